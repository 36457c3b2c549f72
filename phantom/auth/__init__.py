"""Auth adapters: the admin access token (argon2id), dashboard sessions and the login throttle."""

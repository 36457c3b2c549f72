/** Session: who is signed in, login and logout, and the server's settings. */
import { queryOptions, useMutation, useQueryClient } from "@tanstack/react-query";
import { api, ensureOk, setCsrfToken, unwrap } from "../../api/client";
import { useLiveStore } from "../../store/live";
import { useUiStore } from "../../store/ui";

export const sessionKeys = {
  me: ["session", "me"] as const,
};

export const settingsKeys = {
  all: ["settings"] as const,
};

export const meQuery = () =>
  queryOptions({
    queryKey: sessionKeys.me,
    queryFn: async ({ signal }) => {
      const me = await unwrap(api.GET("/api/auth/me", { signal }));
      // After a reload the session cookie is still there but the token the login returned is not.
      if (me.csrf_token) setCsrfToken(me.csrf_token);
      return me;
    },
    retry: false,
    staleTime: Infinity,
  });

export const settingsQuery = () =>
  queryOptions({
    queryKey: settingsKeys.all,
    queryFn: ({ signal }) => unwrap(api.GET("/api/settings", { signal })),
  });

export function useLogin() {
  const queryClient = useQueryClient();
  const setSession = useUiStore((s) => s.setSession);
  return useMutation({
    mutationFn: (token: string) => unwrap(api.POST("/api/auth/login", { body: { token } })),
    onSuccess: (result) => {
      setCsrfToken(result.csrf_token);
      queryClient.clear();
      setSession("signed-in");
    },
  });
}

export function useLogout() {
  const queryClient = useQueryClient();
  const setSession = useUiStore((s) => s.setSession);
  return useMutation({
    mutationFn: () => ensureOk(api.POST("/api/auth/logout")),
    onSettled: () => {
      setCsrfToken(null);
      queryClient.clear();
      useLiveStore.getState().reset();
      setSession("signed-out");
    },
  });
}

/** Replace the admin token. Every session ends, this one too: the login screen shows the new token once. */
export function useRotateToken() {
  const queryClient = useQueryClient();
  const setSession = useUiStore((s) => s.setSession);
  const setRotatedToken = useUiStore((s) => s.setRotatedToken);
  return useMutation({
    mutationFn: (current: string) => unwrap(api.POST("/api/auth/rotate", { body: { token: current } })),
    onSuccess: ({ token }) => {
      setRotatedToken(token);
      setCsrfToken(null);
      queryClient.clear();
      useLiveStore.getState().reset();
      setSession("signed-out");
    },
  });
}

"""Checkout profile use cases: create, change, list, delete, groups, and the one way a full card leaves
storage (`card_for_checkout`). Every error names fields, never card values."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date

from phantom.domain.cards import Card, summarize
from phantom.domain.errors import CardUnreadable, InvalidProfile, ProfileNotFound
from phantom.domain.ports import CardCipher, Clock, IdFactory, UnitOfWork, UnitOfWorkFactory
from phantom.domain.profiles import (
    MAX_TEXT,
    Address,
    Profile,
    ProfileDraft,
    checked_card,
    checked_draft,
    new_profile,
    with_draft,
)


@dataclass(frozen=True, slots=True)
class ProfileChanges:
    """A partial edit: None leaves a field as it is. `billing_same_as_shipping` drops a separate billing
    address; `clear_group` takes the profile out of its group."""

    name: str | None = None
    email: str | None = None
    phone: str | None = None
    shipping: Address | None = None
    billing: Address | None = None
    billing_same_as_shipping: bool = False
    card: Card | None = None
    group: str | None = None
    clear_group: bool = False

    def apply(self, d: ProfileDraft) -> ProfileDraft:
        billing = None if self.billing_same_as_shipping else (self.billing or d.billing)
        group = None if self.clear_group else (self.group if self.group is not None else d.group)
        return ProfileDraft(
            name=self.name if self.name is not None else d.name,
            email=self.email if self.email is not None else d.email,
            phone=self.phone if self.phone is not None else d.phone,
            shipping=self.shipping or d.shipping,
            billing=billing,
            group=group,
        )


@dataclass(frozen=True, slots=True)
class ProfileGroup:
    name: str
    profiles: int


def checked(draft: ProfileDraft, card: Card, today: date) -> tuple[ProfileDraft, Card]:
    """Draft and card normalized and validated; InvalidProfile names every problem of both at once."""
    problems: list[tuple[str, str]] = []
    d: ProfileDraft | None = None
    c: Card | None = None
    try:
        d = checked_draft(draft)
    except InvalidProfile as exc:
        problems += exc.problems
    try:
        c = checked_card(card, today)
    except InvalidProfile as exc:
        problems += exc.problems
    if d is None or c is None:
        raise InvalidProfile(problems)
    return d, c


async def create_profile(
    draft: ProfileDraft, card: Card, *, uow_factory: UnitOfWorkFactory, ids: IdFactory, clock: Clock
) -> Profile:
    """Validate and store a new profile, its card encrypted. Raises InvalidProfile, DuplicateProfile."""
    now = clock.now()
    d, c = checked(draft, card, now.date())
    profile = new_profile(d, c, profile_id=ids(), now=now)
    async with uow_factory() as uow:
        await uow.profiles.add(profile, c)
        await uow.commit()
    return profile


async def update_profile(
    profile_id: str, changes: ProfileChanges, *, uow_factory: UnitOfWorkFactory, clock: Clock
) -> Profile:
    """Apply a partial edit; a new card replaces the stored one. Raises ProfileNotFound, InvalidProfile,
    DuplicateProfile."""
    now = clock.now()
    async with uow_factory() as uow:
        current = await _existing(uow, profile_id)
        draft = changes.apply(ProfileDraft.of(current))
        card: Card | None = None
        if changes.card is not None:
            draft, card = checked(draft, changes.card, now.date())
            summary = summarize(card)
        else:
            draft, summary = checked_draft(draft), current.card
        profile = with_draft(draft, summary, profile_id=profile_id, now=now, created_at=current.created_at)
        await uow.profiles.update(profile, card)
        await uow.commit()
    return profile


async def get_profile(profile_id: str, *, uow_factory: UnitOfWorkFactory) -> Profile:
    async with uow_factory() as uow:
        return await _existing(uow, profile_id)


async def list_profiles(*, uow_factory: UnitOfWorkFactory, group: str | None = None) -> list[Profile]:
    """By name; only one group's profiles when `group` is given."""
    async with uow_factory() as uow:
        return await uow.profiles.list(group)


async def delete_profile(profile_id: str, *, uow_factory: UnitOfWorkFactory) -> None:
    """Remove a profile and its card. Raises ProfileNotFound."""
    async with uow_factory() as uow:
        await _existing(uow, profile_id)
        await uow.profiles.delete(profile_id)
        await uow.commit()


async def card_for_checkout(profile_id: str, *, uow_factory: UnitOfWorkFactory) -> Card:
    """The decrypted card, for the checkout engine only: the single way a full card leaves storage.
    Raises ProfileNotFound, CardUnreadable."""
    async with uow_factory() as uow:
        card = await uow.profiles.card(profile_id)
    if card is None:
        raise ProfileNotFound(f"no profile with id {profile_id}")
    return card


async def unreadable_cards(*, uow_factory: UnitOfWorkFactory) -> list[str]:
    """Names of the profiles whose card this key cannot decrypt (checked at start: a lost or swapped key
    file shows up at once, not at the first checkout)."""
    names: list[str] = []
    async with uow_factory() as uow:
        for profile in await uow.profiles.list():
            try:
                await uow.profiles.card(profile.id)
            except CardUnreadable:
                names.append(profile.name)
    return names


# ---- groups ----------------------------------------------------------------------------------------


async def list_groups(*, uow_factory: UnitOfWorkFactory) -> list[ProfileGroup]:
    """Every group in use with its number of profiles, by name."""
    async with uow_factory() as uow:
        profiles = await uow.profiles.list()
    counts = Counter(p.group for p in profiles if p.group is not None)
    return [ProfileGroup(name, n) for name, n in sorted(counts.items())]


def _group_name(name: str | None) -> str | None:
    group = (name or "").strip() or None
    if group is not None and len(group) > MAX_TEXT:
        raise InvalidProfile([("group", f"at most {MAX_TEXT} characters")])
    return group


async def rename_group(old: str, new: str, *, uow_factory: UnitOfWorkFactory, clock: Clock) -> int:
    """Move every profile of group `old` into `new` (which may already exist: the groups merge); how many
    moved. Raises InvalidProfile for an empty new name."""
    target = _group_name(new)
    if target is None:
        raise InvalidProfile([("name", "required")])
    async with uow_factory() as uow:
        moved = await _regroup(uow, await uow.profiles.list(old), target, clock)
        await uow.commit()
    return moved


async def move_profiles(
    profile_ids: Sequence[str], group: str | None, *, uow_factory: UnitOfWorkFactory, clock: Clock
) -> int:
    """Put profiles into `group` (None or blank: no group), all or none. Raises ProfileNotFound."""
    target = _group_name(group)
    async with uow_factory() as uow:
        profiles = [await _existing(uow, pid) for pid in dict.fromkeys(profile_ids)]
        moved = await _regroup(uow, profiles, target, clock)
        await uow.commit()
    return moved


async def _regroup(uow: UnitOfWork, profiles: Sequence[Profile], group: str | None, clock: Clock) -> int:
    now = clock.now()
    for profile in profiles:
        await uow.profiles.update(replace(profile, group=group, updated_at=now))
    return len(profiles)


# ---- keys --------------------------------------------------------------------------------------------


async def reencrypt_cards(cipher: CardCipher, *, uow_factory: UnitOfWorkFactory) -> int:
    """Re-encrypt every stored card under `cipher` in one transaction (key rotation); how many profiles.
    The unit of work must be able to read every card (its keyring holds the old keys)."""
    async with uow_factory() as uow:
        count = await uow.profiles.reencrypt_all(cipher)
        await uow.commit()
    return count


async def _existing(uow: UnitOfWork, profile_id: str) -> Profile:
    profile = await uow.profiles.get(profile_id)
    if profile is None:
        raise ProfileNotFound(f"no profile with id {profile_id}")
    return profile

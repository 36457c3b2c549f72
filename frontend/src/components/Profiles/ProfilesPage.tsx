import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { ExchangeFormat, ProfileRead } from "../../api/models";
import {
  exportProfiles,
  profileGroupsQuery,
  profilesQuery,
  useCreateProfile,
  useDeleteProfile,
  useImportProfiles,
  useUpdateProfile,
} from "../../hooks/queries/profiles";
import { downloadText } from "../../lib/download";
import { useUiStore } from "../../store/ui";
import { ImportBox } from "../common/ImportBox";
import { Modal } from "../common/Modal";
import { Empty, ErrorMessage, Loading, errorText } from "../common/States";
import { isExpired, maskedCard } from "./card";
import { ProfileForm } from "./ProfileForm";
import { formFromProfile, guessFormat, toProfileCreate, toProfileUpdate } from "./profileForm";

const IMPORT_HINT = `name,email,phone,shipping_first_name,…,card_holder,card_number,card_exp_month,card_exp_year,card_cvv,group
or a JSON list (Phantom's export shape or the AYCD-style exchange shape)`;

function ProfileRow({ profile, onEdit }: { profile: ProfileRead; onEdit: () => void }) {
  const remove = useDeleteProfile();
  const toast = useUiStore((s) => s.toast);
  const s = profile.shipping;
  const del = () => {
    if (!window.confirm(`Delete profile ${profile.name}? Tasks using it lose their profile.`)) return;
    remove.mutate(profile.id, {
      onSuccess: () => toast(`Deleted ${profile.name}`, "ok"),
      onError: (e) => toast(errorText(e), "error"),
    });
  };
  return (
    <tr data-testid="profile-row">
      <td>
        <div style={{ fontWeight: 500 }}>{profile.name}</div>
        <div className="faint" style={{ fontSize: 12 }}>{profile.email}</div>
      </td>
      <td>{profile.group ? <span className="chip">{profile.group}</span> : <span className="faint">—</span>}</td>
      <td className="muted">
        {s.first_name} {s.last_name}
        <div className="faint" style={{ fontSize: 12 }}>
          {s.city}
          {s.province ? `, ${s.province}` : ""} · {s.country_code}
        </div>
      </td>
      <td className="mono nowrap" data-testid="masked-card">
        {maskedCard(profile.card)}
        {isExpired(profile.card) ? <span className="badge badge-bad" style={{ marginLeft: 6 }}>expired</span> : null}
        <div className="faint" style={{ fontSize: 12 }}>{profile.card.holder}</div>
      </td>
      <td className="actions">
        <button type="button" className="ghost small" onClick={onEdit}>
          Edit
        </button>
        <button type="button" className="ghost small danger" onClick={del} disabled={remove.isPending}>
          Delete
        </button>
      </td>
    </tr>
  );
}

export function ProfilesPage() {
  const [group, setGroup] = useState<string | null>(null);
  const [editing, setEditing] = useState<ProfileRead | "new" | "import" | null>(null);
  const profiles = useQuery(profilesQuery(group));
  const groups = useQuery(profileGroupsQuery());
  const create = useCreateProfile();
  const update = useUpdateProfile();
  const importer = useImportProfiles();
  const toast = useUiStore((s) => s.toast);
  const groupNames = groups.data?.map((g) => g.name) ?? [];

  const close = () => {
    setEditing(null);
    create.reset();
    update.reset();
  };

  const doExport = (format: ExchangeFormat) => {
    exportProfiles(format).then(
      (text) => downloadText(text, `phantom-profiles.${format}`, format === "csv" ? "text/csv" : "application/json"),
      (e: unknown) => toast(errorText(e), "error"),
    );
  };

  return (
    <div className="page">
      <section className="panel">
        <header className="panel-head">
          <h2>Profiles</h2>
          <div className="row">
            <button type="button" onClick={() => doExport("csv")}>Export CSV</button>
            <button type="button" onClick={() => doExport("json")}>Export JSON</button>
            <button type="button" onClick={() => { importer.reset(); setEditing("import"); }}>Import</button>
            <button type="button" className="primary" onClick={() => setEditing("new")}>
              New profile
            </button>
          </div>
        </header>
        <div className="panel-body row-wrap" role="group" aria-label="Profile groups">
          <button type="button" className={`tab${group === null ? " active" : ""}`} onClick={() => setGroup(null)}>
            All
          </button>
          {groups.data?.map((g) => (
            <button key={g.name} type="button" className={`tab${group === g.name ? " active" : ""}`} onClick={() => setGroup(g.name)}>
              {g.name} <span className="faint">{g.profiles}</span>
            </button>
          ))}
        </div>
        {profiles.isPending ? (
          <Loading />
        ) : profiles.isError ? (
          <ErrorMessage error={profiles.error} retry={() => void profiles.refetch()} />
        ) : profiles.data.length === 0 ? (
          <Empty>No profiles yet. A profile holds the contact, shipping and card details a checkout uses.</Empty>
        ) : (
          <div style={{ overflowX: "auto" }}>
            <table className="table">
              <thead>
                <tr>
                  <th>Profile</th>
                  <th>Group</th>
                  <th>Ship to</th>
                  <th>Card</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {profiles.data.map((p) => (
                  <ProfileRow key={p.id} profile={p} onEdit={() => setEditing(p)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {editing === "new" ? (
        <Modal title="New profile" onClose={close}>
          <ProfileForm
            submitLabel="Create profile"
            groups={groupNames}
            busy={create.isPending}
            error={create.error}
            onCancel={close}
            onSubmit={(values) =>
              create.mutate(toProfileCreate(values), {
                onSuccess: (p) => {
                  toast(`Created ${p.name}`, "ok");
                  close();
                },
              })
            }
          />
        </Modal>
      ) : editing === "import" ? (
        <Modal title="Import profiles" onClose={close}>
          <ImportBox
            what="profiles"
            accept=".csv,.json"
            placeholder={IMPORT_HINT}
            busy={importer.isPending}
            error={importer.error}
            done={importer.data ? `Imported ${importer.data.imported} profile(s)` : null}
            onImport={(content, filename) => importer.mutate({ format: guessFormat(content, filename), content })}
          />
        </Modal>
      ) : editing ? (
        <Modal title={`Edit ${editing.name}`} onClose={close}>
          <ProfileForm
            initial={formFromProfile(editing)}
            existing={editing}
            submitLabel="Save"
            groups={groupNames}
            busy={update.isPending}
            error={update.error}
            onCancel={close}
            onSubmit={(values) => {
              const changes = toProfileUpdate(values, editing);
              if (Object.keys(changes).length === 0) return close();
              update.mutate({ id: editing.id, changes }, { onSuccess: () => close() });
            }}
          />
        </Modal>
      ) : null}
    </div>
  );
}

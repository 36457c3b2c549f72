import type { EmbedPreviewModel, Segment } from "./embed";

function Text({ segments }: { segments: Segment[] }) {
  return (
    <>
      {segments.map((s, i) =>
        s.href ? (
          <a key={i} className="embed-link" href={s.href} target="_blank" rel="noreferrer noopener">
            {s.text}
          </a>
        ) : s.strike ? (
          <s key={i}>{s.text}</s>
        ) : (
          <span key={i}>{s.text}</span>
        ),
      )}
    </>
  );
}

/** A Discord message with one embed, drawn the way Discord's dark theme draws it. */
export function EmbedPreview({ embed }: { embed: EmbedPreviewModel }) {
  const time = new Date(embed.timestamp).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  return (
    <div className="discord-msg" aria-label="Discord preview">
      <div className="discord-avatar" />
      <div className="stack" style={{ gap: 4, minWidth: 0 }}>
        <div>
          <span className="discord-name">Phantom</span>
          <span className="discord-bot">APP</span>
          <span className="faint" style={{ fontSize: 11, marginLeft: 6 }}>Today at {time}</span>
        </div>
        <div className="embed" data-testid="embed">
          <div className="embed-bar" style={{ background: embed.colour }} />
          <div className="embed-body">
            <div className="embed-main">
              <div className="embed-author">{embed.author}</div>
              <div className="embed-title">
                {embed.url ? (
                  <a className="embed-link" href={embed.url} target="_blank" rel="noreferrer noopener">
                    {embed.title}
                  </a>
                ) : (
                  embed.title
                )}
              </div>
              {embed.description ? <div className="embed-desc">{embed.description}</div> : null}
              <div className="embed-fields">
                {embed.fields.map((f) => (
                  <div key={f.name} className={`embed-field${f.inline ? "" : " wide"}`}>
                    <div className="embed-field-name">{f.name}</div>
                    <div className="embed-field-value">
                      <Text segments={f.value} />
                    </div>
                  </div>
                ))}
              </div>
              <div className="embed-footer">
                {embed.footer} • Today at {time}
              </div>
            </div>
            {embed.thumbnail ? <div className="embed-thumb" style={{ backgroundImage: `url("${embed.thumbnail}")` }} /> : null}
          </div>
        </div>
      </div>
    </div>
  );
}

/**
 * CallKit's stylesheet (inside its shadow root). Themable through the CSS custom properties listed in
 * `CALLKIT_CSS_VARIABLES`, set on `opencall-callkit` or any ancestor.
 */
export const CALLKIT_CSS_VARIABLES = {
  '--callkit-bg': 'Backdrop of the call screens (#101418)',
  '--callkit-fg': 'Text and icon colour (#ffffff)',
  '--callkit-muted-fg': 'Secondary text (#c9d1d9)',
  '--callkit-surface': 'Buttons, sheets and panels (#2a3038)',
  '--callkit-tile-bg': 'Video tile without video (#1c2127)',
  '--callkit-accept': 'Accept button (#0b7a35)',
  '--callkit-decline': 'Decline and hang-up buttons (#c62828)',
  '--callkit-accent': 'Focus ring, pressed buttons, active speaker (#4da3ff)',
  '--callkit-quality-good': 'Quality badge: good (#3fb950)',
  '--callkit-quality-fair': 'Quality badge: fair (#d29922)',
  '--callkit-quality-poor': 'Quality badge: poor (#f85149)',
  '--callkit-radius': 'Corner radius of tiles and sheets (14px)',
  '--callkit-font': 'Font family (system-ui)',
  '--callkit-z-index': 'Stacking order of the overlay (2147483000)',
} as const;

export const CALLKIT_CSS = `
:host{--bg:var(--callkit-bg,#101418);--fg:var(--callkit-fg,#fff);--muted:var(--callkit-muted-fg,#c9d1d9);--surface:var(--callkit-surface,#2a3038);--tile:var(--callkit-tile-bg,#1c2127);--ok:var(--callkit-accept,#0b7a35);--no:var(--callkit-decline,#c62828);--accent:var(--callkit-accent,#4da3ff);--r:var(--callkit-radius,14px);
position:fixed;inset:0;z-index:var(--callkit-z-index,2147483000);display:block;font-family:var(--callkit-font,system-ui,sans-serif);color:var(--fg)}
:host([data-view=idle]){display:none}
*{box-sizing:border-box}
.screen{position:absolute;inset:0;background:var(--bg);display:flex;flex-direction:column;align-items:center;justify-content:center;gap:16px;padding:16px;overflow:hidden}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
h2{margin:0;font-size:1.5rem;text-align:center}
p{margin:0;color:var(--muted);text-align:center}
.avatar{width:96px;height:96px;border-radius:50%;background:var(--surface);display:flex;align-items:center;justify-content:center;font-size:2.5rem;font-weight:600;overflow:hidden;flex:none}
.avatar img{width:100%;height:100%;object-fit:cover}
.row{display:flex;flex-wrap:wrap;gap:20px;justify-content:center;align-items:flex-start}
button{font:inherit;color:var(--fg);background:none;border:0;cursor:pointer}
.ctl{display:flex;flex-direction:column;align-items:center;gap:6px;min-width:64px;font-size:.8rem;color:var(--fg)}
.ctl .disc{width:56px;height:56px;border-radius:50%;background:var(--surface);display:flex;align-items:center;justify-content:center}
.ctl svg{width:26px;height:26px;fill:currentColor}
.ctl[aria-pressed=true] .disc{background:var(--fg);color:var(--bg)}
.ctl.ok .disc{background:var(--ok)}.ctl.no .disc{background:var(--no)}
.ctl.no svg{transform:none}
button:focus-visible,[tabindex]:focus-visible,select:focus-visible,input:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.preview{position:absolute;inset:0;width:100%;height:100%;object-fit:cover;opacity:.35}
.front{position:relative;display:flex;flex-direction:column;align-items:center;gap:16px}
.top{position:absolute;top:0;left:0;right:0;display:flex;gap:12px;align-items:center;justify-content:space-between;padding:10px 14px;background:linear-gradient(#000a,#0000);z-index:3}
.banner{position:absolute;top:48px;left:50%;transform:translateX(-50%);background:#8a5a00;color:#fff;padding:6px 14px;border-radius:999px;z-index:4;font-weight:600}
.stage{position:absolute;inset:0;bottom:var(--bar,104px)}
.controls{position:absolute;left:0;right:0;bottom:0;height:var(--bar,104px);display:flex;flex-wrap:wrap;gap:6px;justify-content:center;align-items:center;padding:8px;background:#000b;z-index:3}
.tile{position:relative;background:var(--tile);border-radius:var(--r);overflow:hidden;display:flex;align-items:center;justify-content:center;border:3px solid transparent}
.tile video{position:absolute;inset:0;width:100%;height:100%;object-fit:cover;background:#000}
.tile video[hidden]{display:none}
.tile[data-speaking=true]{border-color:var(--accent)}
.tile[data-waiting=true]{opacity:.6}
.label{position:absolute;left:8px;bottom:8px;display:flex;gap:6px;align-items:center;background:#000c;padding:3px 8px;border-radius:999px;font-size:.8rem;z-index:1;max-width:calc(100% - 16px)}
.label .name{overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.label svg{width:14px;height:14px;fill:currentColor}
.q{display:inline-flex;gap:2px;align-items:flex-end;height:12px}
.q i{width:3px;background:#fff6;border-radius:1px}
.q i:nth-child(1){height:4px}.q i:nth-child(2){height:8px}.q i:nth-child(3){height:12px}
.q[data-quality=good] i{background:var(--callkit-quality-good,#3fb950)}
.q[data-quality=fair] i:nth-child(-n+2){background:var(--callkit-quality-fair,#d29922)}
.q[data-quality=poor] i:nth-child(1){background:var(--callkit-quality-poor,#f85149)}
.one .remote{position:absolute;inset:0;border-radius:0;border:0}
.pip{position:absolute;right:12px;top:56px;width:min(28vw,180px);aspect-ratio:3/4;z-index:2;touch-action:none;cursor:grab;box-shadow:0 4px 16px #0008}
.grid{display:grid;gap:6px;padding:56px 6px 6px;grid-template-columns:repeat(var(--cols,2),1fr);grid-auto-rows:1fr}
.panel{position:absolute;left:50%;bottom:calc(var(--bar,104px) + 8px);transform:translateX(-50%);width:min(92vw,380px);background:var(--surface);border-radius:var(--r);padding:14px;z-index:5;display:flex;flex-direction:column;gap:10px}
.panel label{display:flex;flex-direction:column;gap:4px;font-size:.85rem}
.panel select,.panel input{font:inherit;padding:8px;border-radius:8px;border:1px solid #8b949e;background:var(--bg);color:var(--fg)}
.pill{padding:10px 16px;border-radius:999px;background:var(--accent);color:#001b33;font-weight:600}
.pill.plain{background:var(--surface);color:var(--fg);border:1px solid #8b949e}
.timer{font-variant-numeric:tabular-nums}
@media (max-width:480px){:host{--bar:168px}.ctl{min-width:64px;font-size:.7rem}.ctl .disc{width:48px;height:48px}.controls{gap:4px 2px;align-content:center}.avatar{width:80px;height:80px}}
`;

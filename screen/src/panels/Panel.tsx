// The one frame style every panel shares: thin border, corner marks, a short title bar.
import type { CSSProperties, ReactNode } from 'react';
import type { Rect } from '../pages/wall/layout.ts';

export function rectStyle(r: Rect): CSSProperties {
  return { left: r.x, top: r.y, width: r.w, height: r.h };
}

interface Props {
  id: string;
  rect: Rect;
  title: string;
  subtitle?: string | undefined;
  extra?: ReactNode;
  children: ReactNode;
  bare?: boolean;
  /** no title bar (the KPI grid labels itself) */
  untitled?: boolean;
}

export function Panel({ id, rect, title, subtitle, extra, children, bare, untitled }: Props) {
  return (
    <section className={bare ? 'panel panel-bare' : 'panel'} data-panel={id} style={rectStyle(rect)}>
      <i className="corner tl" />
      <i className="corner tr" />
      <i className="corner bl" />
      <i className="corner br" />
      <header className="panel-title" hidden={untitled}>
        <span className="panel-title-zh">{title}</span>
        {subtitle ? <span className="panel-title-en">{subtitle}</span> : null}
        {extra ? <span className="panel-title-extra">{extra}</span> : null}
      </header>
      <div className={untitled ? 'panel-body panel-body-untitled' : 'panel-body'}>{children}</div>
    </section>
  );
}

/** what an empty panel says instead of an empty chart */
export function Empty({ text }: { text: string }) {
  return (
    <div className="empty" data-empty="true">
      {text}
    </div>
  );
}

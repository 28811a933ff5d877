// Live ticker: notable events, names exactly as the server masked them (never unmasked).
// Items that arrive by frame slide in once; items already shown do not move.
import type { TickerItem } from '../../../server/contract/index.ts';
import { clockParts } from '../format.ts';
import { DEVELOPMENT_LABELS, MEETING_LABELS, STAGE_LABELS, t } from '../i18n.ts';
import type { Lang } from '../params.ts';
import { Empty } from './Panel.tsx';

const SHOWN_ITEMS = 6;

export function describe(item: TickerItem, lang: Lang): string {
  const d = item.detail;
  switch (item.type) {
    case 'study.completed':
      return (
        `${t(lang, 'studied')}${d.course ? (d.course.startsWith('《') ? ` ${d.course}` : ` 《${d.course}》`) : ''}` +
        `${d.minutes ? ` ${d.minutes}${t(lang, 'minutesUnit')}` : ''}`
      );
    case 'exam.submitted':
      return (
        `${d.passed ? t(lang, 'examPassed') : t(lang, 'examFailed')}` +
        `${d.score !== undefined ? ` ${d.score}${t(lang, 'scoreUnit')}` : ''}`
      );
    case 'meeting.held':
      return (
        `${t(lang, 'meetingHeld')} ${d.kind ? MEETING_LABELS[d.kind][lang] : ''}` +
        `${d.expected ? ` ${d.attendees ?? 0}/${d.expected}` : ''}`
      );
    case 'transfer.updated':
      return `${t(lang, 'transferMoved')} · ${d.stage ? STAGE_LABELS[d.stage][lang] : ''}`;
    case 'points.awarded':
      return (
        `${t(lang, 'pointsAwarded')} ${d.points !== undefined && d.points > 0 ? '+' : ''}${d.points ?? ''}` +
        `${d.reason ? ` · ${d.reason}` : ''}`
      );
    case 'member.checkin':
      return t(lang, 'checkedIn');
    case 'member.active':
      return t(lang, 'active');
    case 'development.stage':
      return (
        `${t(lang, 'developmentMoved')} · ` +
        `${d.developmentStage ? DEVELOPMENT_LABELS[d.developmentStage][lang] : ''}`
      );
    case 'dues.paid':
      return t(lang, 'duesPaid');
    default:
      return assertNever(item.type);
  }
}

function assertNever(x: never): never {
  throw new Error(`unhandled ticker type ${String(x)}`);
}

export function Ticker({ items, lang, animateFrom }: { items: TickerItem[]; lang: Lang; animateFrom: number }) {
  if (items.length === 0) return <Empty text={t(lang, 'noTicker')} />;
  return (
    <ul className="ticker">
      {items.slice(0, SHOWN_ITEMS).map((item) => (
        <li key={item.id} className={item.ts > animateFrom ? 'tick tick-new' : 'tick'} data-ticker-id={item.id}>
          <span className="tick-time">{clockParts(item.ts).time.slice(0, 5)}</span>
          {/* line 1: who did what; line 2: where (the organisation) — each line has its width */}
          <span className="tick-line">
            {item.who !== null ? (
              <span className="tick-who" data-who>
                {item.who}
              </span>
            ) : null}
            <span className="tick-what">{describe(item, lang)}</span>
          </span>
          <span className="tick-org">{item.orgName}</span>
        </li>
      ))}
    </ul>
  );
}

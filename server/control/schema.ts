// TypeBox schemas of what a control page sends (commands) and stores (scenes, tours): checked
// at the namespace and the API before anything reaches the room's state machine.
import Type, { type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { FULL_PANELS, MAP_THEMES, REPLAY_SPEEDS, type ControlCommand } from '../contract/control.ts';

const Region = Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$', description: 'a region code' });
const Theme = Type.Union(MAP_THEMES.map((t) => Type.Literal(t)));
const Lang = Type.Union([Type.Literal('zh'), Type.Literal('en')]);
const Panel = Type.Union(FULL_PANELS.map((p) => Type.Literal(p)));
const Speed = Type.Union(REPLAY_SPEEDS.map((s) => Type.Literal(s)));
const Id = Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' });
const Ms = Type.Number({ minimum: 0 });

const bare = (type: string) => Type.Object({ type: Type.Literal(type) }, { additionalProperties: false });

export const CommandSchema = Type.Union([
  Type.Object({ type: Type.Literal('region'), region: Region }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('theme'), theme: Theme }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('lang'), lang: Lang }, { additionalProperties: false }),
  Type.Object(
    { type: Type.Literal('spotlight'), fingerprint: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]) },
    { additionalProperties: false },
  ),
  Type.Object(
    { type: Type.Literal('panel'), panel: Type.Union([Panel, Type.Null()]) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('standby'), on: Type.Boolean() }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('scene'), id: Id }, { additionalProperties: false }),
  bare('reset'),
  Type.Object({ type: Type.Literal('tour.play'), id: Id }, { additionalProperties: false }),
  bare('tour.pause'),
  bare('tour.resume'),
  bare('tour.next'),
  bare('tour.prev'),
  bare('tour.stop'),
  Type.Object({ type: Type.Literal('replay.start'), from: Ms, to: Ms, speed: Speed }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('replay.speed'), speed: Speed }, { additionalProperties: false }),
  bare('replay.pause'),
  bare('replay.resume'),
  Type.Object({ type: Type.Literal('replay.seek'), at: Ms }, { additionalProperties: false }),
  bare('replay.stop'),
]);

const checkCommand = Compile(CommandSchema);
export function isCommand(x: unknown): x is ControlCommand {
  return checkCommand.Check(x);
}

export const SceneBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 40 }),
    region: Region,
    theme: Theme,
    panel: Type.Union([Panel, Type.Null()]),
    lang: Lang,
  },
  { additionalProperties: false },
);
export type SceneBody = Static<typeof SceneBody>;

export const TourBody = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 40 }),
    steps: Type.Array(
      Type.Object({ scene: Id, dwellS: Type.Integer({ minimum: 3, maximum: 3600 }) }, { additionalProperties: false }),
      { minItems: 1, maxItems: 50 },
    ),
    loop: Type.Boolean(),
    takeover: Type.Boolean(),
    takeoverS: Type.Integer({ minimum: 20, maximum: 120, default: 60 }),
  },
  { additionalProperties: false },
);
export type TourBody = Static<typeof TourBody>;
export const IdParam = Type.Object({ id: Id });
export const RoomName = Type.String({ pattern: '^[A-Za-z0-9_-]{1,32}$' });

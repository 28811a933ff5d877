// The alert engine's durable state as a TypeBox schema (issue 10): one source for the types and for
// the check that a persisted snapshot is whole before an engine restarts from it. Pure data.
import Type, { type Static } from 'typebox';

export const STATE_VERSION = 1;

const Ms = Type.Integer({ minimum: 0, description: 'epoch ms' });
const MsOrNull = Type.Union([Ms, Type.Null()]);
const NumOrNull = Type.Union([Type.Number(), Type.Null()]);
const Region = Type.String({ pattern: '^(\\d{6}|\\d{9}|\\d{12})$' });

export const AlertStateSchema = Type.Union([
  Type.Literal('pending'),
  Type.Literal('firing'),
  Type.Literal('resolved'),
  Type.Literal('nodata'),
]);
export type AlertState = Static<typeof AlertStateSchema>;

export const SeveritySchema = Type.Union([Type.Literal('red'), Type.Literal('orange'), Type.Literal('yellow')]);

export const AckSchema = Type.Object(
  { by: Type.String({ minLength: 1 }), at: Ms, comment: Type.String() },
  { additionalProperties: false },
);
export type Ack = Static<typeof AckSchema>;

export const AlertInstanceSchema = Type.Object(
  {
    /** `rule:region` or `rule:region:subject` (a source of source-silent) */
    fingerprint: Type.String({ minLength: 1 }),
    rule: Type.String({ minLength: 1 }),
    region: Region,
    subject: Type.Union([Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' }), Type.Null()]),
    state: AlertStateSchema,
    severity: SeveritySchema,
    value: NumOrNull,
    threshold: NumOrNull,
    /** the condition has held since (the episode's pending start); null while unknown */
    activeAt: MsOrNull,
    /** firing since (null while it has not fired in this episode) */
    startsAt: MsOrNull,
    /** resolved at (null unless resolved) */
    endsAt: MsOrNull,
    lastEvalAt: Ms,
    /** first evaluation at which a firing alert's condition was false (keepFiringFor runs from here) */
    resolvingSince: MsOrNull,
    /** instants of the transitions within the flapping window */
    transitions: Type.Array(Ms),
    flapping: Type.Boolean(),
    ack: Type.Union([AckSchema, Type.Null()]),
    /** fingerprint of the firing alert of the same rule above it that inhibits it */
    inhibitedBy: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type AlertInstance = Static<typeof AlertInstanceSchema>;

export const SilenceMatchersSchema = Type.Object(
  {
    rule: Type.Optional(Type.String({ minLength: 1 })),
    region: Region,
    /** true: the region and every region below it */
    descendants: Type.Boolean(),
  },
  { additionalProperties: false },
);
export type SilenceMatchers = Static<typeof SilenceMatchersSchema>;

export const SilenceSchema = Type.Object(
  {
    id: Type.String({ minLength: 1 }),
    matchers: SilenceMatchersSchema,
    comment: Type.String(),
    createdBy: Type.String({ minLength: 1 }),
    createdAt: Ms,
    /** set unless untilResolved */
    endsAt: MsOrNull,
    untilResolved: Type.Boolean(),
    /** ended before its time: expired by an operator, or (untilResolved) nothing it matches is active */
    endedAt: MsOrNull,
    endedBy: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);
export type Silence = Static<typeof SilenceSchema>;

export const EngineStateSchema = Type.Object(
  {
    version: Type.Literal(STATE_VERSION),
    nextSilence: Type.Integer({ minimum: 1 }),
    instances: Type.Array(AlertInstanceSchema),
    silences: Type.Array(SilenceSchema),
  },
  { additionalProperties: false },
);
export type EngineState = Static<typeof EngineStateSchema>;

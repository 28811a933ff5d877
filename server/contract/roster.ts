// The organization roster (SPEC section 4).
import Type, { type Static } from 'typebox';
import { MAX_STRING } from './events.ts';

export const ORG_KINDS = ['committee', 'general-branch', 'branch'] as const;
export type OrgKind = (typeof ORG_KINDS)[number];

/** 党员结构 bands (SPEC section 4): counts of an organization's members, never records. */
export const STRUCTURE_BANDS = {
  gender: ['male', 'female'],
  age: ['le30', '31to45', '46to60', 'gt60'],
  education: ['postgraduate', 'bachelor', 'college', 'secondary'],
  tenure: ['lt5', '5to20', 'gt20'],
} as const;
export type StructureDimension = keyof typeof STRUCTURE_BANDS;
export const STRUCTURE_DIMENSIONS = Object.keys(STRUCTURE_BANDS) as StructureDimension[];

const Count = Type.Integer({ minimum: 0 });
const bandsOf = <D extends StructureDimension>(d: D) =>
  Type.Object(
    Object.fromEntries(STRUCTURE_BANDS[d].map((b) => [b, Count])) as Record<
      (typeof STRUCTURE_BANDS)[D][number],
      typeof Count
    >,
    {
      additionalProperties: false,
    },
  );

/** Each given dimension's bands sum to the organization's `members` (checked on import). */
export const OrgStructure = Type.Object(
  {
    gender: Type.Optional(bandsOf('gender')),
    age: Type.Optional(bandsOf('age')),
    education: Type.Optional(bandsOf('education')),
    tenure: Type.Optional(bandsOf('tenure')),
  },
  { additionalProperties: false },
);
export type OrgStructure = Static<typeof OrgStructure>;

export const Org = Type.Object(
  {
    id: Type.String({ minLength: 1, maxLength: MAX_STRING }),
    name: Type.String({ minLength: 1, maxLength: MAX_STRING }),
    parent: Type.Union([Type.String({ minLength: 1, maxLength: MAX_STRING }), Type.Null()]),
    kind: Type.Union(ORG_KINDS.map((k) => Type.Literal(k))) as unknown as Type.TUnion<
      [Type.TLiteral<'committee'>, Type.TLiteral<'general-branch'>, Type.TLiteral<'branch'>]
    >,
    /** GB/T 2260 code: 6-digit county, 9-digit township or 12-digit village */
    region: Type.String({ pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$' }),
    members: Type.Integer({ minimum: 0 }),
    lng: Type.Optional(Type.Number({ minimum: -180, maximum: 180 })),
    lat: Type.Optional(Type.Number({ minimum: -90, maximum: 90 })),
    structure: Type.Optional(OrgStructure),
  },
  { additionalProperties: false },
);
export type Org = Static<typeof Org>;

export const Roster = Type.Array(Org, { maxItems: 200_000 });
export type Roster = Static<typeof Roster>;

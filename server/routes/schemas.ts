// Shapes shared by several routes (documentation and response serialization).
import Type from 'typebox';

export const ErrorBody = Type.Object({
  statusCode: Type.Integer(),
  error: Type.String(),
  message: Type.String(),
  code: Type.Optional(Type.String()),
});

export const RegionQuery = Type.Object(
  {
    region: Type.Optional(
      Type.String({
        pattern: '^([0-9]{6}|[0-9]{9}|[0-9]{12})$',
        description: 'GB/T 2260 region code; default: the area (AREA, 610100 for the demo)',
      }),
    ),
  },
  { additionalProperties: false },
);

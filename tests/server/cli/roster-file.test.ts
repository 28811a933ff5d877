import { describe, expect, it } from 'vitest';
import { parseRosterFile, RosterFileError } from '../../../server/cli/roster-file.ts';

const CSV = `id,name,parent,kind,region,members,lng,lat
c1,雁塔区委,,committee,610113,0,,
b1,"第一支部, 东",c1,branch,610113,40,108.95,34.22
`;

describe('parseRosterFile', () => {
  it('CSV: empty parent is null, empty point omitted, numbers parsed, quoted commas kept', () => {
    expect(parseRosterFile('r.csv', CSV)).toEqual([
      { id: 'c1', name: '雁塔区委', parent: null, kind: 'committee', region: '610113', members: 0 },
      {
        id: 'b1',
        name: '第一支部, 东',
        parent: 'c1',
        kind: 'branch',
        region: '610113',
        members: 40,
        lng: 108.95,
        lat: 34.22,
      },
    ]);
  });
  it('JSON as is', () => {
    expect(parseRosterFile('r.json', '[{"id":"x"}]')).toEqual([{ id: 'x' }]);
  });
  it.each([
    ['members not a number', 'r.csv', CSV.replace(',40,', ',forty,'), /line 3: members/],
    ['missing column', 'r.csv', 'id,name,parent,kind,region\nx,y,,branch,610113\n', /lacks members/],
    [
      'unknown column',
      'r.csv',
      CSV.replace('lat\n', 'lat,boss\n').replace(',,\n', ',,,\n').replace('34.22\n', '34.22,x\n'),
      /unknown columns boss/,
    ],
    ['JSON not an array', 'r.json', '{"id":1}', /array/],
    ['JSON broken', 'r.json', '[{', /not valid JSON/],
  ])('%s', (_n, name, text, message) => {
    expect(() => parseRosterFile(name, text)).toThrow(RosterFileError);
    expect(() => parseRosterFile(name, text)).toThrow(message);
  });
});

import { describe, expect, it } from 'vitest';
import { pageFor } from '../../../screen/src/pages/routes.ts';

describe('pageFor', () => {
  it.each([
    ['/', 'wall'],
    ['/wall', 'wall'],
    ['/wall/', 'wall'],
    ['//', 'wall'],
    ['/no-such-page', 'wall'],
    ['/console-typo', 'wall'],
    ['/console', 'console'],
    ['/console/', 'console'],
    ['/console/x', 'wall'],
    ['', 'wall'],
  ])('%s → %s', (path, page) => {
    expect(pageFor(path)).toBe(page);
  });
});

// The OpenAPI document served at /docs/json is valid for a real parser (client generators
// choke on a document whose declared version does not match the keywords it uses).
import SwaggerParser from '@apidevtools/swagger-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from './lib/app.ts';

let t: TestApp;
beforeAll(async () => {
  t = await buildTestApp();
});
afterAll(async () => t.close());

describe('OpenAPI document', () => {
  it('is valid OpenAPI 3.1 for @apidevtools/swagger-parser', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toBe('3.1.0');
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/v1/events', '/api/v1/roster']));
    // validate dereferences in place: give it its own copy
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeTruthy();
  });

  it('the same schemas declared as 3.0.3 are rejected (the parser checks the keywords)', async () => {
    const doc = (await t.app.inject({ method: 'GET', url: '/docs/json' })).json();
    await expect(SwaggerParser.validate({ ...doc, openapi: '3.0.3' })).rejects.toThrow(/exclusiveMinimum/);
  });
});

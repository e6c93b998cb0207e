import { z } from 'zod';
import { buildConfigJsonSchema } from '../../src/kernel/config/build-config-json-schema';
import { defineConfig } from '../../src/kernel/config/define-config';
import { defineConfig as fromRoot } from '../../src/index';

describe('buildConfigJsonSchema', () => {
  const schema = buildConfigJsonSchema([
    { id: 'tunnel-ngrok', schema: z.object({ authtoken: z.string().optional(), region: z.string().default('us') }) },
    { id: 'power-noop' },
  ]) as any;

  it('is a draft 2020-12 schema of the whole config (input shape: defaults optional)', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.type).toBe('object');
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.port).toMatchObject({ type: 'integer', minimum: 0, maximum: 65535, default: 4020 });
    expect(schema.required ?? []).toEqual([]);
    expect(schema.properties.plugins.additionalProperties.properties).toHaveProperty('enabled');
  });

  it('puts each plugin\'s options schema at properties.plugins.properties.<id>.properties.options', () => {
    const ngrok = schema.properties.plugins.properties['tunnel-ngrok'];
    expect(ngrok.properties.enabled).toEqual({ type: 'boolean' });
    expect(ngrok.properties.options).toMatchObject({
      type: 'object',
      properties: { authtoken: { type: 'string' }, region: { type: 'string', default: 'us' } },
    });
    expect(ngrok.properties.options.$schema).toBeUndefined();
    expect(schema.properties.plugins.properties['power-noop'].properties.options).toEqual({ description: 'This plugin takes no options.' });
  });

  it('survives schemas JSON Schema cannot express', () => {
    const odd = buildConfigJsonSchema([{ id: 'odd', schema: z.object({ when: z.date(), n: z.string().transform(Number) }) }]) as any;
    expect(odd.properties.plugins.properties.odd.properties.options.type).toBe('object');
  });
});

describe('defineConfig', () => {
  it('returns its argument unchanged, and is exported from the package root', () => {
    const config = { port: 1, plugins: { x: { enabled: false } } };
    expect(defineConfig(config)).toBe(config);
    expect(fromRoot).toBe(defineConfig);
  });
});

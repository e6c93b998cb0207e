import { z, type RouteInfo } from '../../src/plugin-api';
import { buildOpenApiDocument } from '../../src/plugins/core-http/openapi-document';

// How the streaming extension shows in the OpenAPI document: a streamBody route documents its media
// types (a multipart form with binary file parts), 413 and 415; a route with doc.ranges documents the
// Range header, 206 with the success body and 416 with its code.
describe('OpenAPI for streamed bodies and ranged downloads', () => {
  const routes: RouteInfo[] = [
    {
      kind: 'http',
      method: 'POST',
      path: '/api/things/upload',
      access: 'writer',
      streamBody: { accept: ['multipart/form-data'], schema: z.object({ file: z.array(z.file()) }) },
      schema: { response: z.object({ count: z.number() }) },
      doc: { summary: 'Upload things', status: 201 },
    },
    {
      kind: 'http',
      method: 'PUT',
      path: '/api/things/raw',
      access: 'writer',
      streamBody: { accept: ['application/octet-stream'] },
      doc: { summary: 'Raw bytes', status: 204 },
    },
    {
      kind: 'http',
      method: 'GET',
      path: '/api/things/download',
      access: 'viewer',
      doc: { summary: 'Download', responseType: 'application/octet-stream', ranges: true },
    },
  ];
  const doc = buildOpenApiDocument(routes, '0.0.0') as { paths: Record<string, Record<string, any>> };

  it('documents a multipart body with binary parts, and 413/415', () => {
    const op = doc.paths['/api/things/upload'].post;
    expect(op.requestBody).toEqual({
      required: true,
      content: { 'multipart/form-data': { schema: { type: 'object', properties: { file: { type: 'array', items: { type: 'string', format: 'binary', contentEncoding: 'binary' } } }, required: ['file'] } } },
    });
    expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['201', '413', '415']));
    expect(JSON.stringify(op.responses['415'])).toContain('multipart/form-data');
  });

  it('documents an octet-stream body as a binary string by default', () => {
    expect(doc.paths['/api/things/raw'].put.requestBody).toEqual({ required: true, content: { 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } } });
  });

  it('documents Range, 206 and 416 TF_ERR_RANGE_NOT_SATISFIABLE for a ranged download', () => {
    const op = doc.paths['/api/things/download'].get;
    expect(op.parameters).toEqual([expect.objectContaining({ name: 'Range', in: 'header', required: false })]);
    expect(op.responses['200'].content).toEqual({ 'application/octet-stream': { schema: { type: 'string', format: 'binary' } } });
    expect(op.responses['206'].content).toEqual(op.responses['200'].content);
    expect(JSON.stringify(op.responses['416'])).toContain('TF_ERR_RANGE_NOT_SATISFIABLE');
    expect(op.requestBody).toBeUndefined();
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../src/config.js';
import { escapeHtml, html } from '../../src/web/html.js';
import { CLIENT_SCRIPT } from '../../src/web/assets.js';
import { decodeCursor, encodeCursor } from '../../src/domain/dashboard/cursor.js';

describe('dashboard configuration and helpers', () => {
  it('makes cookies Secure behind an https public URL, or when told to', () => {
    assert.equal(loadConfig({}).secureCookies, false);
    assert.equal(loadConfig({}).publicUrl, null);
    const https = loadConfig({ TELEMAP_PUBLIC_URL: 'https://support.acme.example/' });
    assert.equal(https.publicUrl, 'https://support.acme.example');
    assert.equal(https.secureCookies, true);
    assert.equal(loadConfig({ TELEMAP_PUBLIC_URL: 'http://10.0.0.5:8080' }).secureCookies, false);
    assert.equal(loadConfig({ TELEMAP_SECURE_COOKIES: 'true' }).secureCookies, true);
    assert.equal(loadConfig({ TELEMAP_PUBLIC_URL: 'https://a.example', TELEMAP_SECURE_COOKIES: 'false' }).secureCookies, false);
    assert.throws(() => loadConfig({ TELEMAP_PUBLIC_URL: 'ftp://x', TELEMAP_SECURE_COOKIES: 'maybe' }), (e: unknown) => e instanceof ConfigError && e.problems.length === 2);
  });

  it('escapes every interpolated value unless it is already markup', () => {
    const name = `<img src=x onerror="alert('x')">&`;
    assert.equal(escapeHtml(name), '&lt;img src=x onerror=&quot;alert(&#39;x&#39;)&quot;&gt;&amp;');
    assert.equal(html`<p title="${name}">${[name, html`<b>ok</b>`, null, undefined, false]}</p>`.value,
      `<p title="${escapeHtml(name)}">${escapeHtml(name)}<b>ok</b></p>`);
  });

  it('round-trips cursors and refuses foreign ones', () => {
    const cursor = { key: '2026-11-22T12:00:00.000Z', id: '7d8f5f36-3f86-4a39-9d5e-6d1f2f3a4b5c' };
    assert.deepEqual(decodeCursor(encodeCursor(cursor)), cursor);
    for (const bad of ['', 'garbage', Buffer.from('{"a":1}').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
      assert.equal(decodeCursor(bad), null);
    }
  });

  it('serves the copy-button script as self-contained JavaScript', () => {
    assert.match(CLIENT_SCRIPT, /installCopyButtons/);
    assert.doesNotMatch(CLIENT_SCRIPT, /\bimport\b|\bexport\b|require\(/);
    assert.doesNotThrow(() => new Function(CLIENT_SCRIPT));
  });
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { CausewayError } from '../../errors/index.js';
import { BLOCK_END, corefileBlock, withBlock, withoutBlock } from './corefile-block.js';
import { KUBEADM_COREFILE } from './kubeadm-corefile.fixture.js';

const block = corefileBlock('clusterset.local', '10.96.0.53');
/** Corefile-like text that holds no Causeway markers and no clusterset.local block of its own. */
const foreignText = fc
  .array(
    fc.oneof(
      fc.constantFrom('', '.:53 {', '    errors', '}', 'example.org {', '    forward . 8.8.8.8'),
      fc.string({ maxLength: 20 }),
    ),
    { maxLength: 30 },
  )
  .map((lines) => lines.join('\n'))
  .filter((t) => !t.includes('# causeway:') && !/clusterset/.test(t));

describe('Corefile block', () => {
  it('appends a delimited block that forwards the zone to the given address', () => {
    const out = withBlock(KUBEADM_COREFILE, block, 'clusterset.local');
    assert.ok(out.startsWith(KUBEADM_COREFILE));
    assert.match(
      out,
      /\nclusterset\.local:53 \{\n {4}errors\n {4}forward \. 10\.96\.0\.53\n\}\n# causeway:end\n$/,
    );
  });
  it('is idempotent and removable: applying twice equals once, removing restores the text', () => {
    fc.assert(
      fc.property(foreignText, (text) => {
        const once = withBlock(text, block, 'clusterset.local');
        assert.equal(withBlock(once, block, 'clusterset.local'), once);
        const expected = text === '' || text.endsWith('\n') ? text : `${text}\n`;
        assert.equal(withoutBlock(once), expected);
      }),
      { numRuns: 400 },
    );
  });
  it('replaces an older block (another upstream) instead of adding a second one', () => {
    const old = withBlock(
      KUBEADM_COREFILE,
      corefileBlock('clusterset.local', '10.96.0.10'),
      'clusterset.local',
    );
    const updated = withBlock(old, block, 'clusterset.local');
    assert.equal(updated, withBlock(KUBEADM_COREFILE, block, 'clusterset.local'));
    assert.equal(updated.split('# causeway:begin').length, 2);
  });
  it('keeps text that follows the block', () => {
    const withTail = `${withBlock(KUBEADM_COREFILE, block, 'clusterset.local')}example.org {\n    whoami\n}\n`;
    assert.equal(withoutBlock(withTail), `${KUBEADM_COREFILE}example.org {\n    whoami\n}\n`);
  });
  it('refuses a clusterset.local block that someone wrote by hand', () => {
    const handWritten = `${KUBEADM_COREFILE}clusterset.local:53 {\n    forward . 10.0.0.1\n}\n`;
    assert.throws(
      () => withBlock(handWritten, block, 'clusterset.local'),
      (err: unknown) => err instanceof CausewayError && /did not write/.test(err.message),
    );
  });
  it('refuses a begin marker without its end marker rather than guess', () => {
    const broken = withBlock(KUBEADM_COREFILE, block, 'clusterset.local').replace(BLOCK_END, '');
    assert.throws(
      () => withoutBlock(broken),
      (err: unknown) => err instanceof CausewayError && /without/.test(err.message),
    );
  });
});

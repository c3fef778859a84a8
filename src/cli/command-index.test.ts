import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Help } from 'commander';
import { COMMANDS, commandStub, entryFor } from './command-index.js';

describe('command index', () => {
  it('lists every command in the root help exactly as the command itself would', async () => {
    const help = new Help();
    for (const entry of COMMANDS) {
      const real = await entry.load();
      const stub = commandStub(entry);
      assert.equal(real.name(), entry.name);
      assert.equal(help.subcommandTerm(stub), help.subcommandTerm(real), entry.name);
      assert.equal(help.subcommandDescription(stub), help.subcommandDescription(real), entry.name);
    }
  });

  it('loads the command a line names, or the one after help, and none for root options', () => {
    assert.equal(entryFor(['status', '--dir', 'x'])?.name, 'status');
    assert.equal(entryFor(['help', 'kube'])?.name, 'kube');
    assert.equal(entryFor(['--help']), undefined);
    assert.equal(entryFor([]), undefined);
    assert.equal(entryFor(['nonsense']), undefined);
  });
});

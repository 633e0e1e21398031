import { describe, expect, it } from '@jest/globals';
import { GitWorkspace } from './git.workspace.js';

describe('GitWorkspace', () => {
  const ws = new GitWorkspace('/work', 'glpat-secret');

  it('adds the token to http(s) remotes only', () => {
    expect(ws.remote('https://gitlab.com/redhat/centos-stream/rpms/bash.git')).toBe(
      'https://oauth2:glpat-secret@gitlab.com/redhat/centos-stream/rpms/bash.git',
    );
    expect(ws.remote('file:///srv/git/bash.git')).toBe('file:///srv/git/bash.git');
  });

  it('gives the same directory to the same work and another to other work', () => {
    expect(ws.dirFor('pf:1:2:c9s:1')).toBe(ws.dirFor('pf:1:2:c9s:1'));
    expect(ws.dirFor('pf:1:2:c9s:1')).not.toBe(ws.dirFor('pf:1:2:c9s:2'));
    expect(ws.dirFor('pf:1:2:c9s:1')).toMatch(/^\/work\/[0-9a-f]{24}$/);
  });
});

/**
 * The identity guard keeps junk out of the identity graph: one junk value shared by thousands of
 * visitors would merge them all. Every default illegal value is refused in every spelling a buggy
 * client produces; real ids are normalised the same way each time.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  DEFAULT_IDENTITY_GUARD, DEFAULT_ILLEGAL_VALUES, IDENTITY_KINDS, IDENTITY_STRENGTH,
  createIdentityGuard, identityKeyString, normaliseIdentity,
} from '../../../src/core/identity/identity-key.js';

const guard = createIdentityGuard();

/** The spellings a client bug produces for one junk value. */
function variants(value: string): string[] {
  const upper = value.toUpperCase();
  const capitalised = value.charAt(0).toUpperCase() + value.slice(1);
  return [value, upper, capitalised, ` ${value}`, `${value} `, `\t${value}\n`, `  ${upper}  `, `"${value}"`, `'${value}'`, ` "${upper}" `];
}

describe('the identity guard', () => {
  for (const junk of DEFAULT_ILLEGAL_VALUES) {
    it(`refuses ${JSON.stringify(junk)} in every case, whitespace and quoting variant, for every kind`, () => {
      for (const spelling of variants(junk)) {
        assert.equal(guard.isLegal(spelling), false, JSON.stringify(spelling));
        for (const kind of IDENTITY_KINDS) assert.equal(normaliseIdentity(kind, spelling, guard), undefined, `${kind} ${JSON.stringify(spelling)}`);
      }
    });
  }

  it('refuses the typical serialisation accidents by name', () => {
    for (const junk of ['undefined', 'null', 'NULL', 'None', 'nil', 'NaN', '[object Object]', 'true', 'False', 'anonymous', 'guest', '0', '-1', '00000000-0000-0000-0000-000000000000']) {
      assert.equal(guard.isLegal(junk), false, junk);
    }
  });

  it('accepts real ids, including ones that contain a junk word', () => {
    for (const id of ['user-42', 'undefined-user', 'null_island', 'guest-7', '"quoted" id', '00000000-0000-0000-0000-000000000001', '10', '-2']) {
      assert.equal(guard.isLegal(id), true, id);
    }
  });

  it('uses a configured list instead of the default, compared the same way', () => {
    const custom = createIdentityGuard({ illegalValues: ['Test-User'], maxPerProfile: DEFAULT_IDENTITY_GUARD.maxPerProfile });
    assert.equal(custom.isLegal(' test-user '), false);
    assert.equal(custom.isLegal('undefined'), true, 'only the configured list applies');
  });

  it('defaults to caps that let a person own a few user ids and emails and many devices', () => {
    const caps = DEFAULT_IDENTITY_GUARD.maxPerProfile;
    assert.ok(caps.user_id >= 1 && caps.user_id < caps.email && caps.email < caps.anonymous_id, JSON.stringify(caps));
  });
});

describe('normaliseIdentity', () => {
  it('trims ids and keeps their case', () => {
    assert.equal(normaliseIdentity('user_id', '  User-42 ', guard), 'User-42');
    assert.equal(normaliseIdentity('anonymous_id', '\tAbC\n', guard), 'AbC');
  });

  it('trims and lower-cases emails, and refuses what is not shaped like one', () => {
    assert.equal(normaliseIdentity('email', '  Karoline@Example.COM ', guard), 'karoline@example.com');
    for (const bad of ['karoline', 'karoline@', '@example.com', 'karoline@example', 'karo line@example.com', 'a@b@c.de', '', '   ']) {
      assert.equal(normaliseIdentity('email', bad, guard), undefined, JSON.stringify(bad));
    }
  });

  it('turns safe integer numbers into ids', () => {
    assert.equal(normaliseIdentity('user_id', 42, guard), '42');
    assert.equal(normaliseIdentity('user_id', 9007199254740991, guard), '9007199254740991');
  });

  it('refuses numbers that cannot be an exact id, and the junk numbers 0 and -1', () => {
    // 2^53 + 1 arrives as 2^53 after JSON parsing: two users would share one id.
    for (const n of [2 ** 53, 2 ** 53 + 2, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 0, -0, -1]) {
      assert.equal(normaliseIdentity('user_id', n, guard), undefined, String(n));
    }
  });

  it('refuses values of other types', () => {
    for (const raw of [null, undefined, true, {}, ['user-1'], () => 'user-1']) {
      assert.equal(normaliseIdentity('user_id', raw, guard), undefined, String(raw));
    }
  });
});

describe('identity keys', () => {
  it('rank user_id above email above anonymous_id', () => {
    assert.ok(IDENTITY_STRENGTH.user_id > IDENTITY_STRENGTH.email);
    assert.ok(IDENTITY_STRENGTH.email > IDENTITY_STRENGTH.anonymous_id);
  });

  it('keep kinds apart in their map key', () => {
    assert.notEqual(identityKeyString({ kind: 'user_id', value: 'x' }), identityKeyString({ kind: 'anonymous_id', value: 'x' }));
    assert.equal(identityKeyString({ kind: 'email', value: 'a@b.co' }), 'email:a@b.co');
  });
});

#!/usr/bin/env node
// Verifies a tracker audit export (JSON Lines) by the rule in docs/audit-format.md alone.
// Usage: node verify-audit.js [--print-hashes] FILE [PUBKEY]
//   PUBKEY: the published Ed25519 public key, 64 hex digits (or a file holding them).
// Prints "OK: ..." and exits 0, or "TAMPERED: line N: ..." and exits 1; bad usage exits 2.
// Needs Node.js 18 or later and nothing else.
'use strict';

const crypto = require('crypto');
const fs = require('fs');

const ZEROS = '0'.repeat(64);
const HEX64 = /^[0-9a-f]{64}$/;
const HEX128 = /^[0-9a-f]{128}$/;

// RFC 8785: ECMAScript number and string forms, members sorted by UTF-16 code units.
function jcs(value) {
  if (value === null || typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error('a number is not finite');
    return JSON.stringify(value);
  }
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(jcs).join(',') + ']';
  const names = Object.keys(value).sort();  // default sort compares UTF-16 code units
  return '{' + names.map((n) => JSON.stringify(n) + ':' + jcs(value[n])).join(',') + '}';
}

function sha256Hex(text) {
  return crypto.createHash('sha256').update(Buffer.from(text, 'utf8')).digest('hex');
}

function isInteger(value) {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function signatureValid(head, count, signature, publicKey) {
  if (!HEX64.test(publicKey) || typeof signature !== 'string' || !HEX128.test(signature)) {
    return false;
  }
  const key = crypto.createPublicKey({
    key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey, 'hex').toString('base64url') },
    format: 'jwk',
  });
  const message = Buffer.from(jcs({ chain_head: head, count: count }), 'utf8');
  return crypto.verify(null, message, key, Buffer.from(signature, 'hex'));
}

function splitLines(buffer) {
  const lines = [];
  let start = 0;
  while (start < buffer.length) {
    const end = buffer.indexOf(0x0a, start);
    if (end === -1) {
      lines.push({ bytes: buffer.subarray(start), ended: false });
      break;
    }
    lines.push({ bytes: buffer.subarray(start, end), ended: true });
    start = end + 1;
  }
  return lines;
}

function verify(buffer, publishedKey, onRecord) {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const lines = splitLines(buffer);
  let previous = ZEROS;
  let lastSeq = null;
  let count = 0;
  for (let i = 0; i < lines.length; i += 1) {
    const n = i + 1;
    const fail = (why) => ({ ok: false, line: n, message: `line ${n}: ${why}` });
    let text;
    try {
      text = decoder.decode(lines[i].bytes);
    } catch (e) {
      return fail('is not valid UTF-8');
    }
    let obj;
    try {
      obj = JSON.parse(text);
    } catch (e) {
      return fail('is not valid JSON');
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      return fail('is not a JSON object');
    }
    let canonical;
    try {
      canonical = jcs(obj) === text;
    } catch (e) {
      canonical = false;
    }
    if (!lines[i].ended) canonical = false;
    if (Object.prototype.hasOwnProperty.call(obj, 'chain_head')) {
      const names = Object.keys(obj).sort().join(',');
      if (!canonical || !HEX64.test(String(obj.chain_head))
          || (names !== 'chain_head,count' && names !== 'chain_head,count,public_key,signature')) {
        return fail('the trailer is malformed');
      }
      if (obj.chain_head !== previous) return fail("chain_head is not the last record's hash");
      if (obj.count !== count) return fail(`the trailer says ${obj.count} records, found ${count}`);
      if (i !== lines.length - 1) {
        return { ok: false, line: n + 1, message: `line ${n + 1}: content follows the trailer` };
      }
      if (publishedKey !== null && obj.signature === undefined) {
        return fail('the chain head is not signed');
      }
      const key = publishedKey !== null ? publishedKey : obj.public_key;
      if (obj.signature !== undefined && !signatureValid(obj.chain_head, count, obj.signature, key)) {
        return fail(publishedKey !== null
          ? 'the signature does not match the published public key'
          : 'the signature is not valid');
      }
      let note = '';
      if (publishedKey !== null) note = `, signature valid for public key ${publishedKey}`;
      else if (obj.signature !== undefined) note = `, signed by public key ${obj.public_key} (unchecked)`;
      return { ok: true, line: null, message: `OK: ${count} records, chain head ${previous}${note}` };
    }
    if (!canonical) return fail('is not in canonical (RFC 8785) form');
    if (typeof obj.prev_hash !== 'string' || !HEX64.test(obj.prev_hash)) {
      return fail('prev_hash is missing or malformed');
    }
    if (obj.prev_hash !== previous) return fail("prev_hash is not the previous record's hash");
    const body = Object.assign({}, obj);
    delete body.hash;
    const computed = sha256Hex(jcs(body));
    if (onRecord) onRecord(obj.seq, computed);
    if (obj.hash !== computed) return fail('hash does not match the record');
    if (!isInteger(obj.seq)) return fail('seq is missing or not an integer');
    if (lastSeq !== null && obj.seq <= lastSeq) return fail(`seq ${obj.seq} does not follow ${lastSeq}`);
    previous = computed;
    lastSeq = obj.seq;
    count += 1;
  }
  const n = lines.length + 1;
  return { ok: false, line: n, message: `line ${n}: the trailer is missing` };
}

function main(argv) {
  const printHashes = argv[0] === '--print-hashes';
  const args = printHashes ? argv.slice(1) : argv;
  if (args.length < 1 || args.length > 2) {
    process.stderr.write('usage: node verify-audit.js [--print-hashes] FILE [PUBKEY]\n');
    return 2;
  }
  let publishedKey = null;
  if (args.length === 2) {
    let text = args[1];
    if (!HEX64.test(text.toLowerCase()) && fs.existsSync(text)) text = fs.readFileSync(text, 'utf8');
    publishedKey = text.replace(/\s+/g, '').toLowerCase();
    if (!HEX64.test(publishedKey)) {
      process.stderr.write('PUBKEY must be 64 hexadecimal digits\n');
      return 2;
    }
  }
  let buffer;
  try {
    buffer = fs.readFileSync(args[0]);
  } catch (e) {
    process.stderr.write(`cannot read ${args[0]}: ${e.message}\n`);
    return 2;
  }
  const onRecord = printHashes ? (seq, hash) => process.stdout.write(`${seq}\t${hash}\n`) : null;
  const result = verify(buffer, publishedKey, onRecord);
  if (result.ok) {
    process.stdout.write(result.message + '\n');
    return 0;
  }
  process.stdout.write(`TAMPERED: ${result.message}\n`);
  return 1;
}

process.exitCode = main(process.argv.slice(2));

#include "server/web/verify_script.hpp"

namespace gate::server::web {

namespace {

constexpr std::string_view kScript = R"js('use strict';
(function () {
  const section = document.getElementById('verify');
  if (!section) return;
  const seq = Number(section.dataset.seq);
  const keyBox = document.getElementById('log-key');
  const witnessBox = document.getElementById('witness-keys');
  const decisionBox = document.getElementById('decision-key');
  const remember = document.getElementById('remember-key');
  const result = document.getElementById('verify-result');
  const button = document.getElementById('verify-button');
  const STORED = 'gate.logPublicKey';
  const STORED_WITNESSES = 'gate.witnessPublicKeys';
  const encoder = new TextEncoder();

  try {
    const saved = localStorage.getItem(STORED);
    if (saved) { keyBox.value = saved; remember.checked = true; }
    const witnesses = localStorage.getItem(STORED_WITNESSES);
    if (witnesses && witnessBox) witnessBox.value = witnesses;
  } catch (e) { /* storage disabled: the key is pasted each time */ }

  const hex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  function fromHex(text) {
    if (typeof text !== 'string' || !/^([0-9a-f]{2})*$/.test(text)) {
      throw new Error('the proof holds a hash that is not hex: ' + String(text).slice(0, 80));
    }
    const out = new Uint8Array(text.length / 2);
    for (let i = 0; i < out.length; i++) out[i] = parseInt(text.substr(2 * i, 2), 16);
    return out;
  }
  function fromBase64(text) {
    const binary = atob(text);
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }
  function concat(...parts) {
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) { out.set(p, at); at += p.length; }
    return out;
  }
  const equal = (a, b) => a.length === b.length && a.every((v, i) => v === b[i]);
  const sha256 = async (bytes) => new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  const leafHash = (data) => sha256(concat(Uint8Array.of(0), data));
  const nodeHash = (l, r) => sha256(concat(Uint8Array.of(1), l, r));

  // RFC 9162 section 2.1.3.2: the root an inclusion proof leads to from a leaf.
  async function rootFromProof(index, size, leaf, proof) {
    if (!(index < size)) throw new Error('entry ' + index + ' is not in a tree of size ' + size);
    let fn = index, sn = size - 1, r = leaf;
    for (const p of proof) {
      if (p.length !== 32) throw new Error('the proof holds a hash of ' + p.length + ' bytes');
      if (sn === 0) throw new Error('the inclusion proof is too long');
      if (fn % 2 === 1 || fn === sn) {
        r = await nodeHash(p, r);
        if (fn % 2 === 0) {
          while (fn % 2 === 0 && fn !== 0) { fn = Math.floor(fn / 2); sn = Math.floor(sn / 2); }
        }
      } else {
        r = await nodeHash(r, p);
      }
      fn = Math.floor(fn / 2); sn = Math.floor(sn / 2);
    }
    if (sn !== 0) throw new Error('the inclusion proof is too short');
    return r;
  }

  // A C2SP signed note: the signed text up to the blank line, then signature lines.
  function parseNote(note) {
    const blank = note.indexOf('\n\n');
    if (blank < 0) throw new Error('the checkpoint is not a signed note');
    const text = note.slice(0, blank + 1);
    const lines = text.split('\n');
    if (lines.length < 4 || !/^[0-9]+$/.test(lines[1])) throw new Error('the checkpoint is malformed');
    const signatures = [];
    for (const line of note.slice(blank + 2).split('\n')) {
      if (!line) continue;
      const m = /^\u2014 (\S+) ([A-Za-z0-9+/=]+)$/.exec(line);
      if (!m) throw new Error('the checkpoint has a malformed signature line');
      signatures.push({ name: m[1], blob: fromBase64(m[2]) });
    }
    return { text, origin: lines[0], size: Number(lines[1]), root: fromBase64(lines[2]), signatures };
  }

  function publicKeyDers(pem) {
    const blocks = Array.from(pem.matchAll(/-----BEGIN PUBLIC KEY-----([\s\S]*?)-----END PUBLIC KEY-----/g));
    return blocks.map((m) => fromBase64(m[1].replace(/\s+/g, '')));
  }
  function publicKeyDer(pem) {
    const ders = publicKeyDers(pem);
    if (ders.length !== 1) throw new Error('the pinned log key is not one PEM public key (-----BEGIN PUBLIC KEY-----)');
    return ders[0];
  }
  async function ed25519(der, what) {
    try {
      return await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    } catch (e) {
      throw new Error(what + ' is not an Ed25519 public key this browser can use (' + e.message + ')');
    }
  }

  // An ECDSA signature as OpenSSL writes it (DER SEQUENCE of two INTEGERs) as WebCrypto takes
  // it: r || s, 32 bytes each.
  function ecdsaRaw(der) {
    const fail = () => { throw new Error('the envelope holds an ECDSA signature that is not DER'); };
    if (der.length < 8 || der[0] !== 0x30) fail();
    let at = 2;
    const out = new Uint8Array(64);
    for (let part = 0; part < 2; part++) {
      if (der[at] !== 0x02) fail();
      let length = der[at + 1];
      let start = at + 2;
      if (start + length > der.length) fail();
      while (length > 32 && der[start] === 0) { start++; length--; }
      if (length > 32) fail();
      out.set(der.slice(start, start + length), part * 32 + 32 - length);
      at = start + length;
    }
    return out;
  }

  // DSSE: a signature over PAE(type, payload) by the pinned decision key (Ed25519 or ECDSA P-256).
  async function signedByDecisionKey(dsse, der) {
    const body = fromBase64(dsse.payload);
    const type = encoder.encode(dsse.payloadType);
    const pae = concat(encoder.encode('DSSEv1 ' + type.length + ' '), type,
      encoder.encode(' ' + body.length + ' '), body);
    let key, ed = true;
    try {
      key = await crypto.subtle.importKey('spki', der, { name: 'Ed25519' }, false, ['verify']);
    } catch (e) {
      ed = false;
      try {
        key = await crypto.subtle.importKey('spki', der, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
      } catch (e2) {
        throw new Error('the pinned decision key is neither Ed25519 nor ECDSA P-256');
      }
    }
    for (const signature of dsse.signatures || []) {
      const sig = fromBase64(signature.sig);
      const ok = ed ? await crypto.subtle.verify({ name: 'Ed25519' }, key, sig, pae)
        : await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, ecdsaRaw(sig), pae);
      if (ok) return true;
    }
    return false;
  }

  // C2SP tlog-cosignature (cosignature/v1): key hash SHA-256(name || 0x0A || 0x04 || key)[:4],
  // blob key hash || u64 timestamp || signature over "cosignature/v1\ntime <t>\n" || note text.
  async function cosignedBy(note, der) {
    const key = await ed25519(der, 'a pinned witness key');
    const raw = der.slice(der.length - 32);
    for (const s of note.signatures) {
      if (s.blob.length !== 76) continue;
      const hash = (await sha256(concat(encoder.encode(s.name), Uint8Array.of(0x0a, 0x04), raw))).slice(0, 4);
      if (!equal(s.blob.slice(0, 4), hash)) continue;
      const time = new DataView(s.blob.buffer, s.blob.byteOffset + 4, 8).getBigUint64(0);
      const message = concat(encoder.encode('cosignature/v1\ntime ' + time + '\n'), encoder.encode(note.text));
      if (await crypto.subtle.verify({ name: 'Ed25519' }, key, s.blob.slice(12), message)) {
        return s.name + ' at ' + new Date(Number(time) * 1000).toISOString();
      }
    }
    return null;
  }

  async function fetched(url, asText) {
    const response = await fetch(url, { cache: 'no-store' });
    if (!response.ok) throw new Error(url + ' answered ' + response.status);
    return asText ? response.text() : response.json();
  }

  function show(ok, message) {
    result.className = 'result ' + (ok ? 'ok' : 'bad');
    result.dataset.outcome = ok ? 'pass' : 'fail';
    result.textContent = (ok ? '\u2713 VERIFIED: ' : '\u2717 NOT VERIFIED: ') + message;
  }

  async function verify() {
    result.className = 'result';
    delete result.dataset.outcome;
    result.textContent = 'Verifying\u2026';
    const pem = keyBox.value.trim();
    if (!pem) throw new Error('paste the log public key first: the check is against the key you pin');
    const der = publicKeyDer(pem);
    try {
      if (remember.checked) {
        localStorage.setItem(STORED, pem);
        localStorage.setItem(STORED_WITNESSES, witnessBox ? witnessBox.value : '');
      } else {
        localStorage.removeItem(STORED);
        localStorage.removeItem(STORED_WITNESSES);
      }
    } catch (e) { /* storage disabled */ }
    const key = await ed25519(der, 'the pinned log key');
    const witnessDers = publicKeyDers(witnessBox ? witnessBox.value : '');
    const rawKey = der.slice(der.length - 32);

    const entry = await fetched('/v1/entries/' + seq, false);
    if (typeof entry.envelope !== 'string') throw new Error('/v1/entries/' + seq + ' has no envelope');
    const leaf = await leafHash(encoder.encode(entry.envelope));
    const proof = await fetched('/v1/proof/inclusion?seq=' + seq, false);
    if (proof.leaf_index !== seq) throw new Error('the proof is for entry ' + proof.leaf_index);
    const note = parseNote(typeof proof.checkpoint === 'string'
      ? proof.checkpoint : await fetched('/v1/checkpoint', true));
    if (note.size !== proof.tree_size) {
      throw new Error('the checkpoint is of size ' + note.size + ', the proof of ' + proof.tree_size);
    }
    const root = await rootFromProof(seq, proof.tree_size, leaf, proof.proof.map(fromHex));
    if (!equal(root, note.root)) {
      throw new Error('the envelope (leaf hash ' + hex(leaf) + ') and its inclusion proof lead to ' +
        'root ' + hex(root) + ', but the checkpoint of size ' + note.size + ' has root ' +
        hex(note.root) + ': these are not the bytes the log holds');
    }
    const keyHash = (await sha256(concat(encoder.encode(note.origin), Uint8Array.of(0x0a, 0x01),
      rawKey))).slice(0, 4);
    let signed = false;
    for (const s of note.signatures) {
      if (s.name !== note.origin || s.blob.length !== 68 || !equal(s.blob.slice(0, 4), keyHash)) continue;
      signed = signed || await crypto.subtle.verify({ name: 'Ed25519' }, key, s.blob.slice(4),
        encoder.encode(note.text));
    }
    if (!signed) {
      throw new Error('no signature by the pinned key verifies the checkpoint of ' + note.origin);
    }
    const cosigned = [];
    for (let i = 0; i < witnessDers.length; i++) {
      const by = await cosignedBy(note, witnessDers[i]);
      if (!by) throw new Error('pinned witness key ' + (i + 1) + ' has not cosigned this checkpoint');
      cosigned.push(by);
    }
    const dsse = JSON.parse(entry.envelope);
    const decisionDers = publicKeyDers(decisionBox ? decisionBox.value : '');
    if (decisionDers.length > 1) throw new Error('pin one decision key at a time');
    if (decisionDers.length && !(await signedByDecisionKey(dsse, decisionDers[0]))) {
      throw new Error('no signature on the envelope verifies under the pinned decision key');
    }
    const statement = JSON.parse(new TextDecoder().decode(fromBase64(dsse.payload)));
    const p = statement.predicate || {};
    if (document.getElementById('envelope').textContent !== entry.envelope) {
      throw new Error('this page shows an envelope other than the one the log proves');
    }
    const shown = document.getElementById('verdict');
    if (shown && shown.textContent !== p.verdict) {
      throw new Error('this page shows the verdict ' + shown.textContent + ', the signed statement says ' + p.verdict);
    }
    show(true, 'entry ' + seq + ' is in the log ' + note.origin + ' (size ' + note.size +
      ', root ' + hex(note.root) + '), whose checkpoint the pinned key signed. The verified ' +
      'statement says: ' + p.repository + ' ' + p.head + ', verdict ' + p.verdict + '.' +
      (decisionDers.length ? ' The pinned decision key signed it.' : '') +
      (cosigned.length ? ' Cosigned by the pinned witnesses: ' + cosigned.join('; ') + '.' : ''));
  }

  button.addEventListener('click', () => {
    verify().catch((e) => show(false, e.message));
  });
})();
)js";

}  // namespace

std::string_view verify_script() { return kScript; }

}  // namespace gate::server::web

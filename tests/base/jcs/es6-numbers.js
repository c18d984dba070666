// Regenerates es6-head.txt and es6-sample.txt: lines of the ES6 number test
// file that cyberphone/json-canonicalization publishes (testdata/README.md,
// "ES6 Numbers"), rebuilt from the generation rule that README documents and
// checked against the SHA-256 sums it records for the first 1e3 ... 1e8
// lines. Each line is `hex-ieee,expected\n`, expected being node's own
// Number.prototype.toString, which is what RFC 8785 section 3.2.2.3 asks for.
//
//   node es6-numbers.js [lines]     (default 1e8: about ten minutes)
//
// es6-head.txt holds the 168 fixed edge cases and the 2000 smallest normal
// numbers that open the sequence; es6-sample.txt holds every 10000th line.
'use strict';
const crypto = require('crypto');
const fs = require('fs');

// The fixed edge cases that open the sequence, in its order.
const STATIC = `
    0000000000000000 8000000000000000 0000000000000001 8000000000000001 c46696695dbd1cc3
    c43211ede4974a35 c3fce97ca0f21056 c3c7213080c1a6ac c39280f39a348556 c35d9b1f5d20d557
    c327af4c4a80aaac c2f2f2a36ecd5556 c2be51057e155558 c28840d131aaaaac c253670dc1555557
    c21f0b4935555557 c1e8d5d42aaaaaac c1b3de4355555556 c17fca0555555556 c1496e6aaaaaaaab
    c114585555555555 c0e046aaaaaaaaab c0aa0aaaaaaaaaaa c074d55555555555 c040aaaaaaaaaaab
    c00aaaaaaaaaaaab bfd5555555555555 bfa1111111111111 bf6b4e81b4e81b4f bf35d867c3ece2a5
    bf0179ec9cbd821e becbf647612f3696 be965e9f80f29212 be61e54c672874db be2ca213d840baf8
    bdf6e80fe033c8c6 bdc2533fe68fd3d2 bd8d51ffd74c861c bd5774ccac3d3817 bd22c3d6f030f9ac
    bcee0624b3818f79 bcb804ea293472c7 bc833721ba905bd3 bc4ebe9c5db3c61e bc18987d17c304e5
    bbe3ad30dfcf371d bbaf7b816618582f bb792f9ab81379bf bb442615600f9499 bb101e77800c76e1
    bad9ca58cce0be35 baa4a1e0a3e6fe90 ba708180831f320d ba3a68cd9e985016 446696695dbd1cc3
    443211ede4974a35 43fce97ca0f21056 43c7213080c1a6ac 439280f39a348556 435d9b1f5d20d557
    4327af4c4a80aaac 42f2f2a36ecd5556 42be51057e155558 428840d131aaaaac 4253670dc1555557
    421f0b4935555557 41e8d5d42aaaaaac 41b3de4355555556 417fca0555555556 41496e6aaaaaaaab
    4114585555555555 40e046aaaaaaaaab 40aa0aaaaaaaaaaa 4074d55555555555 4040aaaaaaaaaaab
    400aaaaaaaaaaaab 3fd5555555555555 3fa1111111111111 3f6b4e81b4e81b4f 3f35d867c3ece2a5
    3f0179ec9cbd821e 3ecbf647612f3696 3e965e9f80f29212 3e61e54c672874db 3e2ca213d840baf8
    3df6e80fe033c8c6 3dc2533fe68fd3d2 3d8d51ffd74c861c 3d5774ccac3d3817 3d22c3d6f030f9ac
    3cee0624b3818f79 3cb804ea293472c7 3c833721ba905bd3 3c4ebe9c5db3c61e 3c18987d17c304e5
    3be3ad30dfcf371d 3baf7b816618582f 3b792f9ab81379bf 3b442615600f9499 3b101e77800c76e1
    3ad9ca58cce0be35 3aa4a1e0a3e6fe90 3a708180831f320d 3a3a68cd9e985016 4024000000000000
    4014000000000000 3fe0000000000000 3fa999999999999a 3f747ae147ae147b 3f40624dd2f1a9fc
    3f0a36e2eb1c432d 3ed4f8b588e368f1 3ea0c6f7a0b5ed8d 3e6ad7f29abcaf48 3e35798ee2308c3a
    3ed539223589fa95 3ed4ff26cd5a7781 3ed4f95a762283ff 3ed4f8c60703520c 3ed4f8b72f19cd0d
    3ed4f8b5b31c0c8d 3ed4f8b58d1c461a 3ed4f8b5894f7f0e 3ed4f8b588ee37f3 3ed4f8b588e47da4
    3ed4f8b588e3849c 3ed4f8b588e36bb5 3ed4f8b588e36937 3ed4f8b588e368f8 3ed4f8b588e368f1
    3ff0000000000000 bff0000000000000 bfeffffffffffffa bfeffffffffffffb 3feffffffffffffa
    3feffffffffffffb 3feffffffffffffc 3feffffffffffffe bfefffffffffffff bfefffffffffffff
    3fefffffffffffff 3fefffffffffffff 3fd3333333333332 3fd3333333333333 3fd3333333333334
    0010000000000000 000ffffffffffffd 000fffffffffffff 7fefffffffffffff ffefffffffffffff
    4340000000000000 c340000000000000 4430000000000000 44b52d02c7e14af5 44b52d02c7e14af6
    44b52d02c7e14af7 444b1ae4d6e2ef4e 444b1ae4d6e2ef4f 444b1ae4d6e2ef50 3eb0c6f7a0b5ed8c
    3eb0c6f7a0b5ed8d 41b3de4355555553 41b3de4355555554 41b3de4355555555 41b3de4355555556
    41b3de4355555557 becbf647612f3696 43143ff3c1cb0959
`.trim().split(/\s+/).map((h) => BigInt('0x' + h));
const SERIAL = 2000; // then 0x0010000000000000 + i for i < 2000
const SAMPLE_EVERY = 10000;

const published = new Map([
    [1e3, 'be18b62b6f69cdab33a7e0dae0d9cfa869fda80ddc712221570f9f40a5878687'],
    [1e4, 'b9f7a8e75ef22a835685a52ccba7f7d6bdc99e34b010992cbc5864cd12be6892'],
    [1e5, '22776e6d4b49fa294a0d0f349268e5c28808fe7e0cb2bcbe28f63894e494d4c7'],
    [1e6, '49415fee2c56c77864931bd3624faad425c3c577d6d74e89a83bc725506dad16'],
    [1e7, 'b9f8a44a91d46813b21b9602e72f112613c91408db0b8341fb94603d9db135e0'],
    [1e8, '0f7dda6b0837dde083c5d6b896f7d62340c8a2415b0c7121d83145e08a755272'],
]);

// After the fixed values, doubles come from a SHA-256 chain: block_0 is 32
// zero bytes, block_{i+1} = SHA-256(block_i), and each block gives four
// little-endian doubles, of which zeros, infinities and NaNs are skipped.
function* sequence() {
    for (const u of STATIC) yield u;
    for (let i = 0n; i < BigInt(SERIAL); i++) yield 0x0010000000000000n + i;
    let block = Buffer.alloc(32);
    const view = new DataView(new ArrayBuffer(8));
    for (;;) {
        block = crypto.createHash('sha256').update(block).digest();
        for (let k = 0; k < 4; k++) {
            const u = block.readBigUInt64LE(8 * k);
            view.setBigUint64(0, u);
            const f = view.getFloat64(0);
            if (f !== 0 && Number.isFinite(f)) yield u;
        }
    }
}

const total = Number(process.argv[2] || 1e8);
const head = STATIC.length + SERIAL;
const view = new DataView(new ArrayBuffer(8));
const hash = crypto.createHash('sha256');
const headLines = [];
const sampleLines = [];
let pending = '';
let n = 0;
let failed = false;
for (const u of sequence()) {
    if (n === total)
        break;
    view.setBigUint64(0, u);
    const line = u.toString(16) + ',' + view.getFloat64(0).toString() + '\n';
    if (n < head)
        headLines.push(line);
    if (n % SAMPLE_EVERY === 0)
        sampleLines.push(line);
    pending += line;
    if (pending.length > 1 << 16) {
        hash.update(pending);
        pending = '';
    }
    n++;
    if (published.has(n)) {
        hash.update(pending);
        pending = '';
        const got = hash.copy().digest('hex');
        const ok = got === published.get(n);
        failed = failed || !ok;
        console.log(`${n} lines: ${got} ${ok ? 'matches' : 'DIFFERS FROM'} the published sum`);
    }
}
if (failed)
    process.exit(1);
fs.writeFileSync('es6-head.txt', headLines.join(''));
fs.writeFileSync('es6-sample.txt', sampleLines.join(''));

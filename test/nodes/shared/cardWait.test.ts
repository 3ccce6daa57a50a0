import { createHmac } from 'node:crypto';

import { cardProof, checkCardProof } from '../../../nodes/shared/cardWait/proof';
import {
	isCardOfNode,
	readSendAndWaitTrackId,
	sendAndWaitTrackId,
} from '../../../nodes/shared/cardWait/trackId';

const NODE_ID = '3f1c2b6a-9d4e-4c1b-8a7f-0e5d6c7b8a91';
const SECRET_OF_N8N = 'n8n-instance-secret';

/** A resume URL signed the way n8n signs it: HMAC-SHA256 of the path and query. */
function signedResumeUrl(path: string, origin = 'https://n8n.example.com'): string {
	const signature = createHmac('sha256', SECRET_OF_N8N).update(path).digest('hex');
	return `${origin}${path}?signature=${signature}`;
}

describe('Send and Wait card outTrackId', () => {
	it('carries the resume path and signature of a default n8n resume URL in about 80 characters', () => {
		const url = signedResumeUrl(`/webhook-waiting/123456/${NODE_ID}`);
		const outTrackId = sendAndWaitTrackId(url);
		expect(outTrackId).toMatch(/^n8nsw1[A-Za-z0-9_-]+$/);
		expect(outTrackId.length).toBeLessThanOrEqual(80);
		const target = readSendAndWaitTrackId(outTrackId);
		expect(target).toEqual({
			path: `/webhook-waiting/123456/${NODE_ID}`,
			signature: new URL(url).searchParams.get('signature'),
			index: 0,
		});
		expect(isCardOfNode(target!, NODE_ID)).toBe(true);
		expect(isCardOfNode(target!, 'another-node')).toBe(false);
	});

	it('gives each card of one node its own ID that leads to the same execution', () => {
		const url = signedResumeUrl(`/webhook-waiting/7/${NODE_ID}`);
		const ids = [0, 1, 35, 36, 1295].map((index) => sendAndWaitTrackId(url, index));
		expect(new Set(ids).size).toBe(ids.length);
		for (const [position, id] of ids.entries()) {
			expect(readSendAndWaitTrackId(id)).toMatchObject({
				path: `/webhook-waiting/7/${NODE_ID}`,
				index: [0, 1, 35, 36, 1295][position],
			});
		}
		expect(() => sendAndWaitTrackId(url, 1296)).toThrow('at most 1296 cards');
	});

	it('keeps a resume path n8n was configured to serve elsewhere, and a node id that is no UUID', () => {
		for (const path of ['/n8n/webhook-waiting/42/node-1', '/waiting/42/Ask%20manager']) {
			const target = readSendAndWaitTrackId(sendAndWaitTrackId(signedResumeUrl(path)));
			expect(target?.path).toBe(path);
		}
		const target = readSendAndWaitTrackId(
			sendAndWaitTrackId(signedResumeUrl('/waiting/42/Ask%20manager')),
		);
		expect(isCardOfNode(target!, 'Ask manager')).toBe(true);
	});

	it('refuses a resume URL without n8n’s signature', () => {
		expect(() =>
			sendAndWaitTrackId(`https://n8n.example.com/webhook-waiting/1/${NODE_ID}`),
		).toThrow('no signature');
	});

	it.each([
		['an ordinary card', 'n8n-0b7c1d2e-aaaa-bbbb-cccc-123456789012'],
		['no ID', undefined],
		['a number', 42],
		['an unknown version', 'n8nsw9' + 'A'.repeat(80)],
		['too short', 'n8nsw1AAAA'],
		['characters outside base64url', 'n8nsw1' + 'A'.repeat(43) + 'B'.repeat(22) + '12.4'],
		['no execution ID', 'n8nsw1' + 'A'.repeat(43) + 'B'.repeat(22)],
		[
			'a path with a query',
			'n8nsw2' + 'A'.repeat(43) + '00' + Buffer.from('/a?b=1').toString('base64url'),
		],
	])('reads %s as no Send and Wait card', (_, outTrackId) => {
		expect(readSendAndWaitTrackId(outTrackId)).toBeUndefined();
	});
});

describe('card proof of a forwarded click', () => {
	const payload = JSON.stringify({ userId: 'manager1', outTrackId: 'n8nsw1…' });
	const now = 1_765_000_000_000;

	it('is accepted with the app secret that made it, inside the window', () => {
		const header = cardProof('app-secret', payload, now);
		expect(checkCardProof('app-secret', header, payload, now + 59_000)).toEqual({ ok: true });
		expect(checkCardProof('app-secret', header, payload, now - 59_000)).toEqual({ ok: true });
	});

	it.each([
		['another app’s secret', 'other-secret', payload, now, 'does not match this app'],
		[
			'a changed click',
			'app-secret',
			payload.replace('manager1', 'intruder'),
			now,
			'does not match',
		],
		['an old proof', 'app-secret', payload, now + 61_000, 'expired'],
		['an empty secret', '', payload, now, 'does not match'],
	])('is refused for %s', (_, secret, checked, at, problem) => {
		const header = cardProof('app-secret', payload, now);
		const check = checkCardProof(secret, header, checked, at);
		expect(check.ok).toBe(false);
		expect(check).toMatchObject({ problem: expect.stringContaining(problem) });
	});

	it.each([undefined, '', 't=1,v1=zz', ['t=1,v1=' + 'a'.repeat(64)]])(
		'is refused when the header is %p',
		(header) => {
			expect(checkCardProof('app-secret', header, payload, now)).toEqual({
				ok: false,
				problem: 'no card proof',
			});
		},
	);
});

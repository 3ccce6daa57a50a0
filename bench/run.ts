// `npm run bench`: the six measurements of the benchmark issue, the Stream trigger (row 7), queue
// mode (row 8), AI card streaming (row 9) and card approvals against link approvals (row 10) in one
// real n8n (the pinned install of scripts/n8n-install.sh, the packed package),
// written to bench/results.json and bench/results.md. Ratios compare against baselines measured in
// the same run; row 8 also starts n8n in queue mode beside it (scripts/n8n-queue.ts).
//
//   node --expose-gc .n8n-e2e/build-bench/bench/run.js [--quick] [--profile] [--budget=<seconds>]
//
//   --quick     small counts, results to test-results/bench-partial/ (a smoke run of the bench)
//   --profile   CPU profiles of n8n per row into test-results/bench-profiles/ (slows n8n down)
//   --budget    seconds for the whole run (default 570, plus 230 with rows 7 and 8); the memory
//               row gets what is left
//   --only=4    only these rows 1-9 (comma-separated, e.g. --only=1,4; --rows= is the same), results to
//               test-results/bench-partial/
import * as fs from 'node:fs';
import * as path from 'node:path';

import { N8nInstance } from '../scripts/n8n-instance';
import { n8nVersion, repoRoot } from '../scripts/n8n-runtime';
import { FakeDingTalk } from '../test/fake-dingtalk';
import { FakeStreamGateway } from '../test/fake-dingtalk/streamGateway';
import {
	generateCredentials,
	randomString,
	seededRandom,
} from '../test/nodes/DingTalkTrigger/support/requests';
import { benchWorkflows, FAST_ROBOT, PACED_ROBOT, REPLY_ROBOT } from './benchWorkflows';
import { aesKeyOf } from './lib/dingTalkRequests';
import type { BenchContext, Measurement } from './lib/measurement';
import { N8nProbe } from './lib/n8nProbe';
import { environment, markdown, writeReport, type BenchReport } from './lib/report';
import { appCredential, robotCredential, streamAppCredential } from './lib/workflows';
import { measureActionNode } from './measurements/actionNode';
import { AiCardBench } from './measurements/aiCardStreaming';
import { CardApprovalBench, measureCardApproval } from './measurements/cardApproval';
import { measureCrypto } from './measurements/crypto';
import { measureEventReply } from './measurements/eventReply';
import { measureMemory } from './measurements/memory';
import { measurePacing } from './measurements/pacing';
import { measureQueueThroughput } from './measurements/queueThroughput';
import { measureStreamThroughput } from './measurements/streamThroughput';
import { measureTriggerThroughput } from './measurements/triggerThroughput';

const SEED = 0xbe7c4;
const PACING = { limit: 20, windowSeconds: 3 };

function option(name: string): string | undefined {
	const prefix = `--${name}=`;
	return process.argv.find((arg) => arg.startsWith(prefix))?.slice(prefix.length);
}

async function main(): Promise<number> {
	const began = Date.now();
	// The machine's load before the bench adds its own (another job may be running).
	const startEnvironment = environment(n8nVersion());
	const quick = process.argv.includes('--quick');
	const profile = process.argv.includes('--profile');
	const rows = (option('only') ?? option('rows'))?.split(',').map(Number);
	const lastRow = 10;
	if (rows?.some((row) => !Number.isInteger(row) || row < 1 || row > lastRow)) {
		throw new Error(
			`--only takes row numbers from 1 to ${lastRow}, comma-separated, e.g. --only=4 or --only=1,4`,
		);
	}
	// Only a full run replaces the committed results.
	const outDir =
		quick || rows
			? path.join(repoRoot(), 'test-results', 'bench-partial')
			: path.join(repoRoot(), 'bench');
	const wanted = (row: number) => !rows || rows.includes(row);
	// Rows 7 and 8 come on top of the budget the first six had, so the memory row keeps its share.
	const newRowsMs =
		(wanted(7) ? (quick ? 15_000 : 80_000) : 0) +
		(wanted(8) ? (quick ? 100_000 : 150_000) : 0) +
		(wanted(9) ? (quick ? 20_000 : 90_000) : 0) +
		(wanted(10) ? (quick ? 20_000 : 45_000) : 0);
	const budgetMs = option('budget')
		? Number(option('budget')) * 1000
		: (quick ? 240_000 : 570_000) + newRowsMs;
	const log = (message: string) =>
		console.log(
			`[bench ${String(Math.round((Date.now() - began) / 1000)).padStart(3)} s] ${message}`,
		);

	const random = seededRandom(SEED);
	const credentials = generateCredentials(SEED);
	const aesKey = aesKeyOf(credentials);
	const fastRobot = {
		token: `bench-fast-${randomString(random, 24)}`,
		secret: `SEC${randomString(random, 64)}`,
	};
	const pacedRobot = {
		token: `bench-paced-${randomString(random, 24)}`,
		secret: `SEC${randomString(random, 64)}`,
	};
	const replyRobot = {
		token: `bench-reply-${randomString(random, 24)}`,
		secret: `SEC${randomString(random, 64)}`,
	};
	const streamApp = {
		clientId: `dingstream${randomString(random, 12).toLowerCase()}`,
		clientSecret: randomString(random, 64),
	};
	// No limit on the fast robot: row 4 measures sending, not pacing.
	const fastFake = new FakeDingTalk({
		robots: [fastRobot],
		rateLimit: { limit: Number.MAX_SAFE_INTEGER, windowMs: 60_000, banMs: 0 },
	});
	const pacedFake = new FakeDingTalk({
		robots: [pacedRobot],
		rateLimit: { limit: PACING.limit, windowMs: PACING.windowSeconds * 1000, banMs: 600_000 },
	});
	// Row 8's robot, shared by the regular n8n and the queue cluster; row 7's Stream gateway.
	const replyFake = new FakeDingTalk({
		robots: [replyRobot],
		rateLimit: { limit: Number.MAX_SAFE_INTEGER, windowMs: 60_000, banMs: 0 },
	});
	const gateway = new FakeStreamGateway({ apps: [streamApp] });
	// Row 9's fake DingTalk (AI cards, QPS limit) and stand-in chat model.
	const aiCardBench = new AiCardBench(quick);
	// Row 10's own fake DingTalk and Stream gateway.
	const cardApproval = new CardApprovalBench({
		appKey: `dingcard${randomString(random, 12).toLowerCase()}`,
		appSecret: randomString(random, 64),
	});
	const probe = N8nProbe.create({ profile });
	const measurements: Measurement[] = [];
	const failures: string[] = [];
	const record = async (label: string, run: () => Promise<Measurement>) => {
		const row = Number(label.split('.')[0]);
		if (!wanted(row)) return;
		log(label);
		const rowBegan = Date.now();
		try {
			const measurement = await run();
			measurement.durationMs = Date.now() - rowBegan;
			measurement.row = row;
			measurements.push(measurement);
			log(
				`  → ${measurement.met === null ? 'reported' : measurement.met ? 'met' : 'NOT MET'}: ${measurement.measured}`,
			);
		} catch (error) {
			const message = (error as Error).stack ?? String(error);
			failures.push(`${label}: ${message.split('\n')[0]}`);
			log(`  → failed: ${message}`);
			measurements.push({
				id: label,
				row,
				title: label,
				target: '',
				met: false,
				measured: `failed: ${(error as Error).message.split('\n')[0]}`,
				values: {},
				notes: [],
			});
		}
	};

	const fastBaseUrl = await fastFake.start();
	const pacedBaseUrl = await pacedFake.start();
	const replyBaseUrl = await replyFake.start();
	const gatewayBaseUrl = await gateway.start();
	await aiCardBench.start();
	await cardApproval.start();
	// As DingTalk does, a ping every 20 s keeps the Stream triggers' watchdog (60 s) from
	// reconnecting while other rows run.
	const keepAlive = setInterval(() => {
		if (gateway.liveConnections().length > 0) gateway.ping();
		cardApproval.ping();
	}, 20_000);
	const replyCredentials = [
		appCredential(credentials),
		robotCredential(REPLY_ROBOT, {
			accessToken: replyRobot.token,
			secret: replyRobot.secret,
			baseUrl: replyBaseUrl,
		}),
	];
	const workflows = benchWorkflows({
		fastRobot: { baseUrl: fastBaseUrl, accessToken: fastRobot.token, secret: fastRobot.secret },
		pacing: PACING,
	});
	const cardWorkflows = Object.values(cardApproval.workflows());
	let n8n: N8nInstance | undefined;
	const context = {
		probe,
		credentials,
		aesKey,
		quick,
		profileDir: profile ? path.join(repoRoot(), 'test-results', 'bench-profiles') : undefined,
		log,
	} as Omit<BenchContext, 'n8n'> as BenchContext;
	try {
		// First, while our n8n is not running yet.
		await record('3. crypto alone', () => measureCrypto(context));

		log('starting n8n');
		// The Stream trigger needs the global WebSocket, behind a flag before Node 22.
		const env = probe.env();
		if (Number(process.versions.node.split('.')[0]) < 22) {
			env.NODE_OPTIONS = `${env.NODE_OPTIONS ?? ''} --experimental-websocket`.trim();
		}
		n8n = await N8nInstance.launch({
			name: 'bench',
			artifactsDir: path.join(repoRoot(), 'test-results', 'bench'),
			credentials: [
				...replyCredentials,
				streamAppCredential({ ...streamApp, apiBaseUrl: gatewayBaseUrl }),
				robotCredential(FAST_ROBOT, {
					accessToken: fastRobot.token,
					secret: fastRobot.secret,
					baseUrl: fastBaseUrl,
				}),
				robotCredential(PACED_ROBOT, {
					accessToken: pacedRobot.token,
					secret: pacedRobot.secret,
					baseUrl: pacedBaseUrl,
				}),
				...aiCardBench.credentials(),
				cardApproval.credential(),
			],
			workflows: [
				...Object.values(workflows).map((entry) => entry.workflow),
				...aiCardBench.workflows(),
				...cardWorkflows,
			],
			// Every bench workflow starts with a trigger; the Stream ones have no webhook to find them by.
			publish: [
				...Object.values(workflows).map((entry) => entry.workflow.id),
				...aiCardBench.workflows().map((workflow) => workflow.id),
				...cardWorkflows.map((workflow) => workflow.id),
			],
			env,
		});
		context.n8n = n8n;
		// Profiles start here: the first snapshot drops n8n's start-up from the profile.
		if (profile) await probe.snapshot(n8n.pid!);
		log(`n8n ${n8nVersion()} ready on ${n8n.baseUrl} (${JSON.stringify(n8n.timings)})`);

		// Memory first, on a fresh n8n: a "before" taken after other rows would carry their peaks.
		// It gets what the other rows (about 1½ minutes, with a margin) and the shutdown leave of the budget.
		const othersMs = (quick ? 40_000 : 120_000) + newRowsMs;
		const memoryBudgetMs = Math.max(30_000, budgetMs - (Date.now() - began) - othersMs - 20_000);
		await record('6. memory', () =>
			measureMemory(context, workflows.memoryTrigger, memoryBudgetMs),
		);
		await record('1. trigger vs Webhook node', () =>
			measureTriggerThroughput(context, {
				webhook: workflows.webhookBaseline,
				trigger: workflows.robotTrigger,
			}),
		);
		await record('2. event callbacks', () => measureEventReply(context, workflows.eventTrigger));
		await record('4. action node vs HTTP Request', () =>
			measureActionNode(context, fastFake, {
				node: workflows.sendWithNode,
				http: workflows.sendWithHttp,
			}),
		);
		await record('5. pacing', () => measurePacing(context, pacedFake, workflows.paced, PACING));
		await record('7. Stream trigger', () =>
			measureStreamThroughput(context, gateway, {
				stream: workflows.streamEvents,
				trigger: workflows.eventNoOp,
				webhook: workflows.webhookEvents,
			}),
		);
		await record('8. queue mode', () =>
			measureQueueThroughput(context, replyFake, workflows.robotReply, {
				credentials: replyCredentials,
			}),
		);
		await record('9. AI card streaming', () => aiCardBench.measure(context));
		await record('10. card approvals', () => measureCardApproval(context, cardApproval));
	} finally {
		await n8n?.stop({ failures });
		await fastFake.stop();
		await pacedFake.stop();
		await replyFake.stop();
		clearInterval(keepAlive);
		await gateway.stop();
		await aiCardBench.stop();
		await cardApproval.stop();
		probe.cleanup();
	}

	// Keep the table in the issue's order.
	const order = [
		'trigger-throughput',
		'event-reply',
		'crypto',
		'action-node',
		'pacing',
		'memory',
		'stream-throughput',
		'queue-mode',
		'ai-card',
		'card-approval',
	];
	measurements.sort((a, b) => {
		const rank = (entry: Measurement) =>
			order.includes(entry.id) ? order.indexOf(entry.id) : order.length;
		return rank(a) - rank(b);
	});
	const report: BenchReport = {
		command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
		date: new Date().toISOString().slice(0, 10),
		durationSeconds: Math.round((Date.now() - began) / 1000),
		environment: {
			...startEnvironment,
			loadAverageAtEnd: environment(n8nVersion()).loadAverageAtStart,
		},
		settings: [
			'One n8n (pinned install, packed package, SQLite, every execution saved) on 127.0.0.1; the load generator and the fake DingTalk servers run in the bench process on the same machine.',
			'Load: node:http with a keep-alive agent, a fixed number of concurrent requests, each worker sending its next request when answered.',
			`Pacing row: rateLimit ${PACING.limit}, rateWindow ${PACING.windowSeconds} s in the node; the fake allows ${PACING.limit} per ${PACING.windowSeconds} s and bans for 10 minutes after.`,
			'Stream row: the DingTalk Stream Trigger connects to a loopback fake Stream gateway in the bench process (test/fake-dingtalk/streamGateway.ts); on Node < 22 n8n runs with --experimental-websocket.',
			'Card approval row: its own loopback fake DingTalk (OpenAPI, interactive cards, contacts) and fake Stream gateway in the bench process; the DingTalk Stream Trigger of the same app forwards each click to the waiting execution on the same n8n.',
			'Queue row: n8n in queue mode beside the bench’s n8n on the same machine (scripts/n8n-queue.ts: Postgres and Redis from Debian’s packages, a main, one webhook process, two workers at concurrency 5).',
			'AI card row: a second loopback fake DingTalk (AI cards, 20 streaming calls per second per app, 403 QpsLimit over it) and an OpenAI-compatible stand-in model (test/fake-dingtalk/fakeChatModel.ts) in the bench process; n8n’s AI Agent uses the model through the OpenAI Chat Model node.',
			'Memory row: n8n runs with a preload (bench/lib/n8nProbe.preload.ts, through NODE_OPTIONS) that answers a signal with a full garbage collection, the live heap after it and the size of the trigger’s duplicate cache.',
			...(quick
				? [
						'Quick run (--quick): tiny sizes, a smoke test of the bench itself; its figures and verdicts say nothing about the targets.',
					]
				: []),
			...(profile ? ['CPU profiling was on: absolute figures are slower than without it.'] : []),
		],
		measurements,
	};
	fs.mkdirSync(outDir, { recursive: true });
	const files = writeReport(outDir, report);
	console.log(`\n${markdown(report)}`);
	console.log(
		`Wrote ${path.relative(repoRoot(), files.json)} and ${path.relative(repoRoot(), files.md)}`,
	);
	return failures.length > 0 ? 1 : 0;
}

main().then(
	(code) => process.exit(code),
	(error: Error) => {
		console.error(error.stack ?? error.message);
		process.exit(1);
	},
);

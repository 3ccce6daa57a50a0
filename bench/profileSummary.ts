// Summarises a CPU profile written by `npm run bench -- --profile`: where n8n spent its time,
// by function (inclusive), and the frames of this package with what they called.
//
//   node .n8n-e2e/build-bench/bench/profileSummary.js test-results/bench-profiles/4-action-node.cpuprofile [top]
import * as fs from 'node:fs';

interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	samples: number[];
	timeDeltas: number[];
}

const PACKAGE_MARKER = 'n8n-nodes-dingtalk-robot';

function label(node: ProfileNode): string {
	const { functionName, url, lineNumber } = node.callFrame;
	const file = url.split('node_modules/').pop() ?? url;
	return `${functionName || '(anonymous)'} ${file}:${lineNumber + 1}`;
}

function summarise(profile: CpuProfile, top: number): string[] {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));
	const parent = new Map<number, number>();
	for (const node of profile.nodes)
		for (const child of node.children ?? []) parent.set(child, node.id);
	const inclusive = new Map<string, number>();
	const packageCallees = new Map<string, number>();
	let total = 0;
	let idle = 0;
	profile.samples.forEach((sampleId, index) => {
		const delta = profile.timeDeltas[index] ?? 0;
		total += delta;
		const stack: ProfileNode[] = [];
		for (let id: number | undefined = sampleId; id !== undefined; id = parent.get(id)) {
			stack.push(byId.get(id)!);
		}
		if (stack[0]?.callFrame.functionName === '(idle)') idle += delta;
		for (const name of new Set(stack.map(label))) {
			inclusive.set(name, (inclusive.get(name) ?? 0) + delta);
		}
		const innermost = stack.findIndex((node) => node.callFrame.url.includes(PACKAGE_MARKER));
		if (innermost > 0) {
			const key = `${label(stack[innermost])}  ->  ${label(stack[innermost - 1])}`;
			packageCallees.set(key, (packageCallees.get(key) ?? 0) + delta);
		}
	});
	const ms = (microseconds: number) => (microseconds / 1000).toFixed(1).padStart(9);
	const percent = (microseconds: number) => ((microseconds / total) * 100).toFixed(1).padStart(5);
	const rank = (map: Map<string, number>) =>
		[...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
	return [
		`total ${ms(total)} ms, idle ${ms(idle)} ms`,
		'',
		'Inclusive time by function:',
		...rank(inclusive).map(([name, time]) => `${ms(time)} ms ${percent(time)} %  ${name}`),
		'',
		`Innermost ${PACKAGE_MARKER} frame -> what it called:`,
		...rank(packageCallees).map(([name, time]) => `${ms(time)} ms ${percent(time)} %  ${name}`),
	];
}

const [file, top] = process.argv.slice(2);
if (!file) {
	console.error('Usage: profileSummary.js <file.cpuprofile> [top]');
	process.exit(2);
}
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
console.log(summarise(profile, Number(top ?? 40)).join('\n'));

// CPU time of n8n read from /proc (Linux), from the bench process: nothing runs inside n8n to
// measure it. n8n starts in its own process group (scripts/n8n-instance.ts), so the group holds the
// main process and the task runners it spawns; the children it has reaped count through cutime.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

export interface CpuTime {
	userMs: number;
	systemMs: number;
}

let ticksPerSecond: number | undefined;

function clockTicks(): number {
	ticksPerSecond ??=
		Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
	return ticksPerSecond;
}

/** Fields of /proc/<pid>/stat after the command name, which may itself hold spaces and ')'. */
function statFields(pid: string): string[] | undefined {
	try {
		const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
		return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
	} catch {
		// The process ended between the directory listing and the read.
		return undefined;
	}
}

/**
 * User and system CPU used so far by every process in group `pgid` (resolution: one clock tick,
 * 10 ms on most kernels). Only differences between two readings mean something.
 */
export function processGroupCpu(pgid: number): CpuTime {
	let userTicks = 0;
	let systemTicks = 0;
	for (const entry of fs.readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		const fields = statFields(entry);
		// After the name: state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt
		// utime stime cutime cstime (proc(5)).
		if (!fields || Number(fields[2]) !== pgid) continue;
		userTicks += Number(fields[11]) + Number(fields[13]);
		systemTicks += Number(fields[12]) + Number(fields[14]);
	}
	const msPerTick = 1000 / clockTicks();
	return { userMs: userTicks * msPerTick, systemMs: systemTicks * msPerTick };
}

export function cpuSince(pgid: number, start: CpuTime): CpuTime {
	const now = processGroupCpu(pgid);
	return { userMs: now.userMs - start.userMs, systemMs: now.systemMs - start.systemMs };
}

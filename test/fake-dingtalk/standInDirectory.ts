import type { FakeExtension, Reply, RequestContext, Route } from './routing';

/**
 * Not DingTalk: a stand-in for the "other system" the contact examples keep in sync with
 * DingTalk (an HR directory). `npm run dev` points the examples' https://hr.example.com at it, so
 * the new-employee example's row arrives here and the employee-left example reads it back.
 * POST /stand-in/hr/api/employees stores a JSON row by its `userid`; GET ...?userid=X returns it.
 */

export const STAND_IN_DIRECTORY_PATH = '/stand-in/hr/api/employees';

export type DirectoryRow = Record<string, unknown> & { userid: string };

export class StandInDirectory implements FakeExtension {
	readonly rows = new Map<string, DirectoryRow>();

	constructor(private readonly seed: DirectoryRow[] = []) {
		this.reset();
	}

	reset(): void {
		this.rows.clear();
		for (const row of this.seed) this.rows.set(row.userid, { ...row });
	}

	routes(): Route[] {
		return [
			{
				path: STAND_IN_DIRECTORY_PATH,
				methods: ['GET', 'POST'],
				handle: (context) => (context.method === 'POST' ? this.store(context) : this.find(context)),
			},
		];
	}

	private store(context: RequestContext): Reply {
		let row: unknown;
		try {
			row = JSON.parse(context.rawBody.toString('utf8'));
		} catch {
			return { status: 400, json: { error: 'the body is not JSON' } };
		}
		const userid = (row as { userid?: unknown } | null)?.userid;
		if (typeof userid !== 'string' || userid === '') {
			return { status: 400, json: { error: 'a row needs a userid' } };
		}
		this.rows.set(userid, { ...(row as DirectoryRow) });
		return { status: 201, json: { stored: userid } };
	}

	private find(context: RequestContext): Reply {
		const row = this.rows.get(context.query.userid ?? '');
		return row ? { status: 200, json: row } : { status: 404, json: { error: 'no such employee' } };
	}
}

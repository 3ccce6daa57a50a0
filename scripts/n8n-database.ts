// Direct access to an instance's SQLite database (<user folder>/.n8n/database.sqlite) with the
// sqlite3 module of the n8n install itself. n8n is pinned, so its schema is fixed.
import * as path from 'node:path';

import { requireFromN8n } from './n8n-runtime';

interface Sqlite3Database {
	all(
		sql: string,
		params: unknown[],
		callback: (error: Error | null, rows: unknown[]) => void,
	): void;
	run(
		sql: string,
		params: unknown[],
		callback: (this: { changes: number }, error: Error | null) => void,
	): void;
	configure(option: 'busyTimeout', value: number): void;
	close(callback?: (error: Error | null) => void): void;
}

interface Sqlite3Module {
	OPEN_READONLY: number;
	OPEN_READWRITE: number;
	Database: new (
		file: string,
		mode: number,
		callback: (error: Error | null) => void,
	) => Sqlite3Database;
}

export function databaseFile(userFolder: string): string {
	return path.join(userFolder, '.n8n', 'database.sqlite');
}

async function withDatabase<T>(
	userFolder: string,
	writable: boolean,
	use: (db: Sqlite3Database) => Promise<T>,
): Promise<T> {
	const sqlite3 = requireFromN8n<Sqlite3Module>('sqlite3');
	const mode = writable ? sqlite3.OPEN_READWRITE : sqlite3.OPEN_READONLY;
	const db = await new Promise<Sqlite3Database>((resolve, reject) => {
		const handle = new sqlite3.Database(databaseFile(userFolder), mode, (error) =>
			error ? reject(error) : resolve(handle),
		);
	});
	try {
		db.configure('busyTimeout', 5000);
		return await use(db);
	} finally {
		await new Promise<void>((resolve) => db.close(() => resolve()));
	}
}

/** One read-only query against <userFolder>/.n8n/database.sqlite. */
export async function queryDatabase<T>(
	userFolder: string,
	sql: string,
	params: unknown[] = [],
): Promise<T[]> {
	return await withDatabase(
		userFolder,
		false,
		async (db) =>
			await new Promise<T[]>((resolve, reject) =>
				db.all(sql, params, (error, rows) => (error ? reject(error) : resolve(rows as T[]))),
			),
	);
}

/**
 * Runs write statements in one transaction and returns how many rows each changed. Only while n8n
 * is not running: n8n caches what it reads at start-up.
 */
export async function updateDatabase(
	userFolder: string,
	statements: Array<{ sql: string; params?: unknown[] }>,
): Promise<number[]> {
	return await withDatabase(userFolder, true, async (db) => {
		const run = async (sql: string, params: unknown[] = []) =>
			await new Promise<number>((resolve, reject) =>
				db.run(sql, params, function (error) {
					if (error) reject(error);
					else resolve(this.changes);
				}),
			);
		await run('BEGIN IMMEDIATE');
		try {
			const changes: number[] = [];
			for (const statement of statements) changes.push(await run(statement.sql, statement.params));
			await run('COMMIT');
			return changes;
		} catch (error) {
			await run('ROLLBACK').catch(() => undefined);
			throw error;
		}
	});
}

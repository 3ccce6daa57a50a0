/**
 * n8n 2.8.4 in queue mode (scripts/n8n-queue.ts): Postgres, Redis, main, webhook process, two
 * workers. Run through `npm run test:queue`.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: 'node',
	roots: ['<rootDir>/test/queue'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.scripts.json' }],
	},
	maxWorkers: 1,
	testTimeout: 180000,
};

/**
 * Load and fault tests against a real n8n (`npm run test:load`): bounded in count and time, on
 * loopback only, one n8n for the whole run. Needs the build and the pinned n8n like test:e2e.
 * The files are named *.load.ts, not *.test.ts, so that the unit suite (npm test) never runs them.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: '<rootDir>/test/e2e/support/e2e-environment.js',
	roots: ['<rootDir>/test/load'],
	testMatch: ['**/*.load.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/load/tsconfig.json' }],
	},
	globalSetup: '<rootDir>/test/load/globalSetup.ts',
	maxWorkers: 1,
	testTimeout: 600000,
	slowTestThreshold: 300,
};

/**
 * The editor tests (`npm run test:editor`): a real n8n from the e2e harness with the sandbox (fake
 * DingTalk), driven in Debian's Chromium through playwright-core. The files are named *.editor.ts so
 * that the unit suite (npm test) never runs them. Screenshots of failures: test-results/editor/.
 * @type {import('jest').Config}
 */
module.exports = {
	rootDir: '../..',
	testEnvironment: '<rootDir>/test/e2e/support/e2e-environment.js',
	roots: ['<rootDir>/test/editor'],
	testMatch: ['**/*.editor.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/editor/tsconfig.json' }],
	},
	maxWorkers: 1,
	testTimeout: 120000,
	slowTestThreshold: 60,
};

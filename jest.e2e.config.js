/**
 * End-to-end tests against a real n8n (scripts/n8n-instance.ts). Run through `npm run test:e2e`
 * (n8n 2.8.4 on Node 20) or `npm run test:e2e:newest` (N8N_E2E_PIN=pinned-n8n-newest: n8n 2.41.1,
 * jest itself on the pinned Node 24), which build the package and install the pinned n8n first.
 * @type {import('jest').Config}
 */
module.exports = {
	testEnvironment: '<rootDir>/test/e2e/support/e2e-environment.js',
	roots: ['<rootDir>/test/e2e'],
	testMatch: ['**/*.test.ts'],
	transform: {
		'^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.scripts.json' }],
	},
	globalSetup: '<rootDir>/test/e2e/support/global-setup.ts',
	// One n8n at a time: the machine has two cores and each instance takes one while it boots.
	maxWorkers: 1,
	testTimeout: 120000,
	// Every file stops its n8n and fakes in afterAll (a stand-in chat model left listening once kept
	// jest alive after a passing run); a handle left by a future test must not make CI wait out its limit.
	forceExit: true,
	slowTestThreshold: 60,
};

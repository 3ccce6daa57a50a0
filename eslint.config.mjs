// Mirrors the config of `@n8n/node-cli/eslint` (the one `n8n-node lint` and the verification
// scanner apply), wired up directly because @n8n/node-cli does not install on Node 20. The
// import-x block of node-cli is left out: the scanner does not run it, and its native resolver
// has platform packages the npm mirror here does not serve, which breaks `npm ci`.
import eslint from '@eslint/js';
import { globalIgnores } from 'eslint/config';
import tseslint from 'typescript-eslint';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';
import n8nNodesPlugin from 'eslint-plugin-n8n-nodes-base';

export default tseslint.config(
	globalIgnores(['dist', 'node_modules', 'coverage', '.n8n-e2e', '.dev', '**/*.js', '**/*.mjs']),
	{
		files: ['**/*.ts'],
		extends: [
			eslint.configs.recommended,
			tseslint.configs.recommended,
			n8nCommunityNodesPlugin.configs.recommended,
		],
		rules: {
			'prefer-spread': 'off',
			'no-console': 'error',
		},
	},
	{
		plugins: { 'n8n-nodes-base': n8nNodesPlugin },
	},
	{
		files: ['package.json'],
		plugins: { '@n8n/community-nodes': n8nCommunityNodesPlugin },
		rules: {
			...n8nCommunityNodesPlugin.configs.recommended.rules,
			...n8nNodesPlugin.configs.community.rules,
			// No maintainer address exists yet and package.json must not invent one. A warning here,
			// and prepublishOnly runs lint with --max-warnings 0, so publishing waits for a real one.
			'@n8n/community-nodes/valid-author': 'warn',
		},
		languageOptions: { parser: tseslint.parser, parserOptions: { extraFileExtensions: ['.json'] } },
	},
	{
		files: ['./credentials/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.credentials.rules,
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
			'n8n-nodes-base/cred-class-field-type-options-password-missing': 'off',
		},
	},
	{
		files: ['./nodes/**/*.ts'],
		rules: {
			...n8nNodesPlugin.configs.nodes.rules,
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
			'n8n-nodes-base/node-param-type-options-max-value-present': 'off',
		},
	},
	{
		// Tests are not shipped and not scanned by n8n's verification; they may use timers,
		// process and fixture secrets.
		files: ['test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
		rules: {
			'@n8n/community-nodes/no-restricted-globals': 'off',
			'@n8n/community-nodes/no-restricted-imports': 'off',
			'@n8n/community-nodes/no-hardcoded-secrets': 'off',
			'@n8n/community-nodes/no-dangerous-functions': 'off',
			'@n8n/community-nodes/missing-paired-item': 'off',
			'@n8n/community-nodes/require-node-api-error': 'off',
			'@typescript-eslint/no-non-null-assertion': 'off',
			'no-console': 'off',
		},
	},
);

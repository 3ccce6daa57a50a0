// Node test environment that remembers which tests and hooks failed, so that the n8n harness can
// keep n8n's log and a summary only when a test file had a failure.
const { TestEnvironment } = require('jest-environment-node');

function firstLine(error) {
	const message = error && error.message ? error.message : String(error);
	return message.split('\n').find((line) => line.trim() !== '') || 'failed';
}

function fullName(test) {
	const names = [];
	for (let block = test; block && block.name !== 'ROOT_DESCRIBE_BLOCK'; block = block.parent) {
		names.unshift(block.name);
	}
	return names.join(' > ');
}

class E2eEnvironment extends TestEnvironment {
	constructor(config, context) {
		super(config, context);
		this.global.__E2E_FAILURES__ = [];
	}

	async handleTestEvent(event) {
		if (event.name === 'test_fn_failure') {
			this.global.__E2E_FAILURES__.push(`${fullName(event.test)}: ${firstLine(event.error)}`);
		} else if (event.name === 'hook_failure') {
			this.global.__E2E_FAILURES__.push(`${event.hook.type} hook: ${firstLine(event.error)}`);
		}
	}
}

module.exports = E2eEnvironment;

/**
 * Turns what a user or an expression gives (a comma, semicolon or newline separated string, a
 * number, or an array of those) into a clean list without blanks or repeats.
 */
export function parseIdList(value: unknown): string[] {
	const parts: string[] = [];
	const collect = (entry: unknown) => {
		if (entry === undefined || entry === null) return;
		if (Array.isArray(entry)) {
			entry.forEach(collect);
			return;
		}
		String(entry)
			.split(/[,，;；\n\r]/)
			.map((part) => part.trim())
			.filter((part) => part.length > 0)
			.forEach((part) => parts.push(part));
	};
	collect(value);
	return [...new Set(parts)];
}

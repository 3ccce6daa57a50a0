import { MessageFieldError } from './robotMessage';

/** The extension of a file name, lower case; empty when it has none. */
export function fileExtension(fileName: string): string {
	const match = /\.([A-Za-z0-9]+)$/.exec(fileName.trim());
	return match ? match[1].toLowerCase() : '';
}

const EXTENSIONS: Record<string, string> = {
	'image/jpeg': 'jpg',
	'image/png': 'png',
	'image/gif': 'gif',
	'image/bmp': 'bmp',
	'image/webp': 'webp',
	'audio/amr': 'amr',
	'audio/ogg': 'ogg',
	'audio/mpeg': 'mp3',
	'audio/wav': 'wav',
	'video/mp4': 'mp4',
	'application/pdf': 'pdf',
	'application/zip': 'zip',
	'text/plain': 'txt',
};

/** The name of a downloaded file: from Content-Disposition, else from its content type. */
export function fileNameFrom(contentDisposition: string | undefined, mimeType: string): string {
	const match = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(contentDisposition ?? '');
	if (match) {
		try {
			return decodeURIComponent(match[1]).replace(/[\\/]/g, '_');
		} catch {
			return match[1].replace(/[\\/]/g, '_');
		}
	}
	return `file.${EXTENSIONS[mimeType] ?? 'bin'}`;
}

/** The temporary download URL DingTalk answered, checked to be a web address. */
export function checkDownloadUrl(value: unknown): string {
	const text = typeof value === 'string' ? value : '';
	let url: URL | undefined;
	try {
		url = new URL(text);
	} catch {
		url = undefined;
	}
	if (!url || !/^https?:$/.test(url.protocol)) {
		throw new MessageFieldError(
			'downloadCode',
			'DingTalk answered without a usable download URL',
			'Run the node again; if it keeps failing, the file may no longer be available.',
		);
	}
	return url.toString();
}

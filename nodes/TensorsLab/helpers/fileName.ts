/** File names built from what the API returns, made safe to write anywhere. Pure. */

/**
 * Keeps letters, digits, "-", "_" and "."; anything else (path separators, control characters)
 * becomes "_", and runs of dots cannot climb out of a folder.
 */
export function safeFileName(name: string): string {
	const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/\.{2,}/g, '_').replace(/^[.-]+/, '_');
	return cleaned.slice(0, 200) || 'tensorslab';
}

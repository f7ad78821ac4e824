/**
 * The multipart/form-data body of a generate request, built with Node's own FormData and Blob
 * (no hand-written encoder, no form-data package). Each source image is its own `sourceImage`
 * part with its file name and type, as TensorsLab's client sends them.
 */
import type { SourceImageFile } from './validation';

/** A checked generate request of any kind of task (images, videos), as it is sent. */
export interface SubmitRequest {
	model: string;
	endpoint: string;
	/** Text fields in the order they are sent. */
	fields: Array<[name: string, value: string]>;
	files: SourceImageFile[];
	/** Images the task will make, where the kind counts them (reported by Generate). */
	imageCount?: number;
}

/**
 * Reads the request's source images (once, however often the request is tried) and returns a
 * maker of its body: each attempt needs a fresh FormData, and they all share the same Blobs,
 * which are immutable. The bytes live as long as the returned function, i.e. until the request is
 * done, and no longer.
 */
export async function toMultipart(request: SubmitRequest): Promise<() => FormData> {
	const blobs: Array<{ blob: Blob; fileName: string }> = [];
	for (const file of request.files) {
		const bytes = await file.read();
		blobs.push({ blob: new Blob([bytes as Uint8Array<ArrayBuffer>], { type: file.mimeType }), fileName: file.fileName });
	}
	return () => {
		const form = new FormData();
		for (const [name, value] of request.fields) form.append(name, value);
		for (const { blob, fileName } of blobs) form.append('sourceImage', blob, fileName);
		return form;
	};
}

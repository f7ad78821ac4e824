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

export function toMultipart(request: SubmitRequest): FormData {
	const form = new FormData();
	for (const [name, value] of request.fields) form.append(name, value);
	for (const file of request.files) {
		form.append('sourceImage', new Blob([file.bytes as Uint8Array<ArrayBuffer>], { type: file.mimeType }), file.fileName);
	}
	return form;
}

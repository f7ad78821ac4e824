/**
 * A model ID the user types for a model the node does not know yet ("Other (by ID)"). It becomes
 * the last segment of the request path (`/v1/images/<id>`; videos can reuse this for
 * `/v1/video/<id>`), so it is checked before anything is sent: lower-case letters and digits
 * only, so that it can neither add a segment (`/`), climb one (`..`), carry a query or fragment
 * (`?`, `#`) nor need encoding. Pure.
 */
import { ParameterError } from './parameterError';
import { toText } from './values';

const MODEL_ID = /^[a-z0-9]+$/;

interface ModelIdOptions {
	/** The parameter named in errors. Default `modelId`. */
	parameter?: string;
	/** Names under the same path prefix that are not models (for images: the status and delete endpoints). */
	reserved?: readonly string[];
}

/** The checked model ID (surrounding spaces removed), or a ParameterError naming the parameter. */
export function parseModelId(value: unknown, options: ModelIdOptions = {}): string {
	const parameter = options.parameter ?? 'modelId';
	const id = toText(value, parameter, 'Model ID')?.trim() ?? '';
	if (id === '') throw new ParameterError(parameter, 'Model ID is empty', "Give the model's name in TensorsLab's API, e.g. seedreamv45");
	if (!MODEL_ID.test(id)) {
		throw new ParameterError(
			parameter,
			`Model ID ${JSON.stringify(id)} may contain only lower-case letters a–z and digits 0–9`,
			'The model ID becomes part of the request path, so "/", "..", spaces, capitals and other characters are refused',
		);
	}
	if (options.reserved?.includes(id)) {
		throw new ParameterError(parameter, `"${id}" is not a model: it is another TensorsLab endpoint`);
	}
	return id;
}

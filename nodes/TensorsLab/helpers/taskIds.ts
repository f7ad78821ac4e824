/** Task IDs as the Task operations take them. Pure. */
import { ParameterError } from './parameterError';

/** Task IDs from a list, a comma-separated string, or an expression's array; empty entries dropped, anything but text or numbers refused. */
export function parseTaskIds(value: unknown, parameter = 'taskIds'): string[] {
	const raw: unknown[] = Array.isArray(value)
		? value
		: typeof value === 'string'
			? value.split(',')
			: value === undefined || value === null
				? []
				: [value];
	const ids = raw.map((id, index) => {
		if (typeof id === 'string' || typeof id === 'number') return String(id).trim();
		if (id === undefined || id === null) return '';
		throw new ParameterError(
			parameter,
			`Task ID at position ${index + 1} is not text: ${JSON.stringify(id)}`,
			'Give task IDs as text, for example {{ $json.taskId }}',
		);
	});
	const kept = ids.filter((id) => id !== '');
	if (kept.length === 0) {
		throw new ParameterError(parameter, 'No task ID given', 'Enter one or more task IDs, separated by commas');
	}
	return [...new Set(kept)];
}

/** One task ID, trimmed; empty refused. */
export function parseTaskId(value: unknown): string {
	const id = typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '';
	if (id === '') throw new ParameterError('taskId', 'Task ID is empty', 'Use the taskId output of a Generate operation');
	if (id.includes(',')) throw new ParameterError('taskId', `Task ID "${id}" contains a comma; give one task ID`);
	return id;
}

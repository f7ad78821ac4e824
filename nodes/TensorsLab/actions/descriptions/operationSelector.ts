/**
 * The Operation dropdown of a resource, built from a record keyed by that resource's operations,
 * so the compiler checks that every operation module has an entry and every entry a module.
 */
import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

export type OperationLabels<Op extends string> = Record<Op, Omit<INodePropertyOptions, 'value'> & { action: string }>;

export function operationSelector<Op extends string>(resource: string, labels: OperationLabels<Op>, defaultOperation: Op): INodeProperties {
	return {
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: [resource] } },
		options: (Object.keys(labels) as Op[]).map((value) => ({ ...labels[value], value })),
		default: defaultOperation,
	};
}

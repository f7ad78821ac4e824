import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeHelpers, UnexpectedError } from 'n8n-workflow';

/** Package prefix n8n gives community node types (`<package name>.<node name>`). */
export const PACKAGE_NAME = 'n8n-nodes-tensorslab';

export const SOURCE_NODE_TYPE = 'n8n-nodes-tensorslab-harness.source';

export interface HarnessInputItem {
	json: IDataObject;
	binary?: Record<string, { data: Buffer; mimeType: string; fileName?: string }>;
}

/** Simple INodeTypes registry keyed by the full type name used in the workflow. */
export class HarnessNodeTypes implements INodeTypes {
	private readonly types = new Map<string, INodeType | IVersionedNodeType>();

	register(fullName: string, type: INodeType | IVersionedNodeType) {
		this.types.set(fullName, type);
	}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		const type = this.types.get(nodeType);
		if (!type) throw new UnexpectedError(`Unknown node type "${nodeType}"`);
		return type;
	}

	getByNameAndVersion(nodeType: string, version?: number): INodeType {
		return NodeHelpers.getVersionedNodeType(this.getByName(nodeType), version);
	}

	getKnownTypes(): IDataObject {
		return Object.fromEntries([...this.types.keys()].map((name) => [name, { className: name, sourcePath: '' }]));
	}
}

/**
 * The upstream node of every harness workflow. It emits the requested input items; their binaries
 * go through `this.helpers.prepareBinaryData`, so they are stored by the active
 * BinaryDataService exactly as an upstream node (Read File, HTTP Request…) would store them.
 */
export function createSourceNodeType(items: HarnessInputItem[]): INodeType {
	return {
		description: {
			displayName: 'Harness Source',
			name: 'source',
			group: ['input'],
			version: 1,
			description: 'Emits the input items of a harness run',
			defaults: { name: 'Harness Source' },
			inputs: [NodeConnectionTypes.Main],
			outputs: [NodeConnectionTypes.Main],
			properties: [],
		},
		async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
			const output: INodeExecutionData[] = [];
			for (const item of items) {
				const out: INodeExecutionData = {
					json: structuredClone(item.json),
					pairedItem: { item: 0 },
				};
				if (item.binary) {
					out.binary = {};
					for (const [key, spec] of Object.entries(item.binary)) {
						out.binary[key] = await this.helpers.prepareBinaryData(spec.data, spec.fileName, spec.mimeType);
					}
				}
				output.push(out);
			}
			return [output];
		},
	};
}

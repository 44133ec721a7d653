import { type DescFile, toBinary } from "@bufbuild/protobuf";
import { FileDescriptorProtoSchema } from "@bufbuild/protobuf/wkt";
import { ServerReflection as ReflectionV1 } from "../gen/grpc/reflection/v1/reflection_pb.js";
import { ServerReflection as ReflectionV1alpha } from "../gen/grpc/reflection/v1alpha/reflection_pb.js";
import type { TripleServer } from "./server.js";
import type { ServiceImpl } from "./service-types.js";

/** The request/response shapes are identical in v1 and v1alpha; only the package differs. */
type V1 = typeof ReflectionV1;

/**
 * grpc.reflection (v1 and v1alpha, the one grpcurl asks first): lists services and hands out the
 * FileDescriptorProtos of registered services with their dependencies.
 */
export function registerReflection(server: TripleServer): void {
  const impl = reflectionImpl(server);
  server.register(ReflectionV1, impl);
  server.register(ReflectionV1alpha, impl as unknown as ServiceImpl<typeof ReflectionV1alpha>);
}

function reflectionImpl(server: TripleServer): ServiceImpl<V1> {
  return {
    async *serverReflectionInfo(requests) {
      for await (const req of requests) {
        const r = req.messageRequest;
        const base = { validHost: req.host, originalRequest: req };
        switch (r.case) {
          case "listServices":
            yield {
              ...base,
              messageResponse: {
                case: "listServicesResponse",
                value: { service: server.router.serviceNames().map((name) => ({ name })) },
              },
            };
            break;
          case "fileByFilename": {
            const file = allFiles(server).get(r.value);
            yield file ? fileResponse(base, file) : notFound(base, `file "${r.value}" not found`);
            break;
          }
          case "fileContainingSymbol": {
            const file = findSymbol(server, r.value);
            yield file ? fileResponse(base, file) : notFound(base, `symbol "${r.value}" not found`);
            break;
          }
          case "allExtensionNumbersOfType":
            yield {
              ...base,
              messageResponse: {
                case: "allExtensionNumbersResponse",
                value: { baseTypeName: r.value, extensionNumber: [] },
              },
            };
            break;
          default:
            yield notFound(base, "extensions are not supported by this server");
        }
      }
    },
  };
}

function notFound(base: object, message: string) {
  return {
    ...base,
    messageResponse: { case: "errorResponse" as const, value: { errorCode: 5, errorMessage: message } },
  };
}

function fileResponse(base: object, file: DescFile) {
  const seen = new Set<string>();
  const out: Uint8Array[] = [];
  const add = (f: DescFile) => {
    if (seen.has(f.name)) return;
    seen.add(f.name);
    out.push(toBinary(FileDescriptorProtoSchema, f.proto));
    for (const d of f.dependencies) add(d);
  };
  add(file);
  return {
    ...base,
    messageResponse: { case: "fileDescriptorResponse" as const, value: { fileDescriptorProto: out } },
  };
}

function allFiles(server: TripleServer): Map<string, DescFile> {
  const map = new Map<string, DescFile>();
  const add = (f: DescFile) => {
    if (map.has(f.name)) return;
    map.set(f.name, f);
    for (const d of f.dependencies) add(d);
  };
  for (const f of server.registeredFiles()) add(f);
  return map;
}

function findSymbol(server: TripleServer, symbol: string): DescFile | undefined {
  for (const file of allFiles(server).values()) {
    for (const s of file.services) {
      if (s.typeName === symbol) return file;
      for (const m of s.methods) if (`${s.typeName}.${m.name}` === symbol) return file;
    }
    const stack = [...file.messages];
    while (stack.length > 0) {
      const m = stack.pop()!;
      if (m.typeName === symbol) return file;
      stack.push(...m.nestedMessages);
      for (const e of m.nestedEnums) if (e.typeName === symbol) return file;
    }
    for (const e of file.enums) if (e.typeName === symbol) return file;
  }
  return undefined;
}

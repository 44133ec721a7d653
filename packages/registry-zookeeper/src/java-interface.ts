/** The parts of a protoc-gen-es service descriptor (`DescService`) this needs; structural, so no protobuf dependency. */
export interface ProtoServiceLike {
  readonly name: string;
  readonly file: {
    readonly proto: {
      readonly package?: string;
      readonly options?: { readonly javaPackage?: string };
    };
  };
}

/**
 * The Java interface Dubbo's protoc plugin (`dubbo-compiler`) generates for a protobuf service:
 * `java_package` (else the proto package) + "." + the service name. Dubbo Java registers IDL services
 * under this name, so it is the registry key to use for them (`interfaceAliases`), while the wire path
 * stays the proto name. E.g. greet.v1.GreetService with `option java_package = "org.dubbomesh.greet.v1"`
 * -> `org.dubbomesh.greet.v1.GreetService`.
 */
export function javaInterfaceName(service: ProtoServiceLike): string {
  const javaPackage = service.file.proto.options?.javaPackage || service.file.proto.package || "";
  return javaPackage === "" ? service.name : `${javaPackage}.${service.name}`;
}

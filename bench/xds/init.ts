// The plain-object init of a generated message (not an already created one), so fixtures can be built
// as nested literals and spread.

import type { DescMessage, MessageInitShape } from "@bufbuild/protobuf";

export type Init<Desc extends DescMessage> = Exclude<MessageInitShape<Desc>, { readonly $typeName: string }>;

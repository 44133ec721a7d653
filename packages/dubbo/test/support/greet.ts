export { GreetService } from "../../../triple/test/gen/greet/v1/greet_pb.js";

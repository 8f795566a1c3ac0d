import { domainNameProblem } from "../../load/naming.js";
import { rule } from "../rule.js";

export default rule({
  code: "event-domain-reserved",
  meaning: "the event type's domain cannot be a generated module's name",
  fix: "choose another domain segment in the event type",
  check({ model }, report) {
    for (const event of model.events) {
      const problem = domainNameProblem(event.domain);
      if (problem !== undefined)
        report(
          event.origin.file,
          "/x-event-type",
          `event type ${event.eventType} has the domain "${event.domain}", which is ${problem}`,
          "choose another domain segment in the event type (a new event type, since the old one is on the wire)",
        );
    }
  },
});

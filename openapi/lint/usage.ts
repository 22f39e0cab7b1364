// Compiled by scripts/contract-lint with `tsc --strict --noEmit` next to the types that
// openapi-typescript generates from openapi/openapi.json (./razem-api.d.ts): a client's
// first lines, so that a contract whose types no longer fit together fails the check.
import type { components, operations, paths } from "./razem-api";

type Schemas = components["schemas"];
type ListAssociations = operations["list_associations"];
type AssociationPage = ListAssociations["responses"][200]["content"]["application/json"];
type ListQuery = NonNullable<ListAssociations["parameters"]["query"]>;
type LoginBody = NonNullable<paths["/api/v1/auth/login"]["post"]["requestBody"]>["content"]["application/json"];

const login: LoginBody = { email: "admin@example.org", password: "correct horse battery staple" };

const query: ListQuery = { kind: "alliance", limit: 20, sort: "-updated_at" };

const problem: Schemas["Problem"] = {
    type: "urn:razem:problem:not_found",
    title: "Not Found",
    status: 404,
    detail: "association 'xyz' does not exist",
    code: "not_found",
};

function slugs(page: AssociationPage): string[] {
    return page.items.map((association: Schemas["Association"]) => `${association.slug} (${association.member_count})`);
}

function bearer(tokens: Schemas["TokenResponse"]): string {
    return `${tokens.token_type} ${tokens.access_token}`;
}

export { bearer, login, problem, query, slugs };

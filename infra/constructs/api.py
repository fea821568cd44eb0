"""HTTP API: Cognito JWT authorizer by default, CORS for the app, stage throttling, one route set per function."""

from __future__ import annotations

import jsii
from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_apigateway as rest
from aws_cdk import aws_apigatewayv2 as apigw
from aws_cdk import aws_apigatewayv2_authorizers as authorizers
from aws_cdk import aws_apigatewayv2_integrations as integrations
from aws_cdk import aws_cognito as cognito
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from constructs import Construct

from infra import constants
from infra.nag import acknowledge

ACCESS_LOG_FORMAT = (
    '{"requestId":"$context.requestId","ip":"$context.identity.sourceIp","requestTime":"$context.requestTime",'
    '"method":"$context.httpMethod","routeKey":"$context.routeKey","status":"$context.status",'
    '"responseLength":"$context.responseLength","latencyMs":"$context.responseLatency",'
    '"integrationLatencyMs":"$context.integrationLatency","integrationError":"$context.integrationErrorMessage",'
    '"sub":"$context.authorizer.claims.sub","traceId":"$context.integration.requestId"}'
)


class Api(Construct):
    """Each route prefix belongs to exactly one function; `/health` is the only route without a JWT."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        user_pool: cognito.IUserPool,
        user_pool_client: cognito.IUserPoolClient,
        functions: dict[str, lambda_.IFunction],
        cors_origins: tuple[str, ...],
        log_retention: logs.RetentionDays,
    ) -> None:
        super().__init__(scope, id)
        authorizer = authorizers.HttpUserPoolAuthorizer(
            "CognitoJwt", user_pool, user_pool_clients=[user_pool_client]
        )
        self.http_api = apigw.HttpApi(
            self,
            "HttpApi",
            description="FoodSave AI public API",
            default_authorizer=authorizer,
            create_default_stage=False,
            cors_preflight=apigw.CorsPreflightOptions(
                allow_origins=list(cors_origins),
                allow_methods=[
                    apigw.CorsHttpMethod.GET,
                    apigw.CorsHttpMethod.POST,
                    apigw.CorsHttpMethod.PUT,
                    apigw.CorsHttpMethod.PATCH,
                    apigw.CorsHttpMethod.DELETE,
                    apigw.CorsHttpMethod.OPTIONS,
                ],
                allow_headers=list(constants.CORS_ALLOWED_HEADERS),
                max_age=Duration.minutes(constants.CORS_MAX_AGE_MINUTES),
            ),
        )
        self.access_logs = logs.LogGroup(
            self,
            "AccessLogs",
            retention=log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.stage = apigw.HttpStage(
            self,
            "DefaultStage",
            http_api=self.http_api,
            stage_name="$default",
            auto_deploy=True,
            throttle=apigw.ThrottleSettings(
                rate_limit=constants.API_THROTTLE_RATE, burst_limit=constants.API_THROTTLE_BURST
            ),
            access_log_settings=_AccessLogs(apigw.LogGroupLogDestination(self.access_logs), _json_format()),
        )
        self.routes: dict[str, str] = {}
        for spec in constants.FUNCTIONS:
            if not spec.api_prefixes:
                continue
            integration = integrations.HttpLambdaIntegration(f"{spec.name}-integration", functions[spec.name])
            for prefix in spec.api_prefixes:
                for path in (prefix, f"{prefix}/{{proxy+}}"):
                    self.http_api.add_routes(
                        path=path, methods=[apigw.HttpMethod.ANY], integration=integration
                    )
                    self.routes[path] = spec.name
        health = integrations.HttpLambdaIntegration(
            "health-integration", functions[constants.HEALTH_ROUTE_FUNCTION]
        )
        (health_route,) = self.http_api.add_routes(
            path="/health",
            methods=[apigw.HttpMethod.GET],
            integration=health,
            authorizer=apigw.HttpNoneAuthorizer(),
        )
        acknowledge(
            health_route,
            "APIG4",
            "GET /health is the public liveness probe: it returns service status only, no user data.",
        )
        self.routes["/health"] = constants.HEALTH_ROUTE_FUNCTION
        self._throttle_chat()

    def _throttle_chat(self) -> None:
        """A lower limit on the chat routes, which spend Bedrock tokens, than on the rest of the stage."""
        limits = {
            "ThrottlingRateLimit": constants.CHAT_THROTTLE_RATE,
            "ThrottlingBurstLimit": constants.CHAT_THROTTLE_BURST,
        }
        prefix = constants.CHAT_ROUTE_PREFIX
        cfn_stage = self.stage.node.default_child
        cfn_stage.add_property_override(  # type: ignore[union-attr]
            "RouteSettings", {f"ANY {prefix}": limits, f"ANY {prefix}/{{proxy+}}": limits}
        )
        # Route settings name routes by key; the stage must not be created before they exist.
        for route in self.http_api.node.children:
            if isinstance(route, apigw.HttpRoute):
                self.stage.node.add_dependency(route)

    @property
    def url(self) -> str:
        return self.http_api.api_endpoint


def _json_format() -> rest.AccessLogFormat:
    return rest.AccessLogFormat.custom(ACCESS_LOG_FORMAT)


@jsii.implements(apigw.IAccessLogSettings)
class _AccessLogs:
    """Access-log destination and format for the HTTP API stage (jsii interface, not a struct)."""

    def __init__(self, destination: apigw.IAccessLogDestination, format: rest.AccessLogFormat) -> None:
        self._destination = destination
        self._format = format

    @property
    def destination(self) -> apigw.IAccessLogDestination:
        return self._destination

    @property
    def format(self) -> rest.AccessLogFormat:
        return self._format

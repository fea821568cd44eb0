"""VPC for Aurora and, in production, the functions and RDS Proxy (private subnets, NAT, S3 gateway endpoint)."""

from __future__ import annotations

from aws_cdk import RemovalPolicy, Stack
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_iam as iam
from aws_cdk import aws_logs as logs
from constructs import Construct

AZ_SUFFIXES = ("a", "b")

# Services the functions call when the deployment opts into interface endpoints instead of relying on NAT.
INTERFACE_ENDPOINT_SERVICES = {
    "SecretsManager": ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
    "Sqs": ec2.InterfaceVpcEndpointAwsService.SQS,
    "EventBridge": ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
    "Sns": ec2.InterfaceVpcEndpointAwsService.SNS,
    "BedrockRuntime": ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
    "CloudWatch": ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
}


class Network(Construct):
    """Production: public subnets only hold the NAT; functions and the proxy sit in private subnets, Aurora in
    isolated ones. Egress goes through the NAT gateway because the chat agents call public APIs (weather, web
    search), which no VPC endpoint can serve; S3, the bulk of the traffic (receipt images, FAISS indexes),
    uses the free gateway endpoint. Interface endpoints for the AWS APIs the functions call are available
    behind the `interface_endpoints` context flag.

    Household (`with_private_subnets=False`): public subnets only, no NAT. The functions run outside the VPC
    and the VPC only holds the Aurora writer, which they reach over TLS with IAM authentication.
    """

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        nat_gateways: int,
        interface_endpoints: bool,
        with_private_subnets: bool = True,
        log_retention: logs.RetentionDays = logs.RetentionDays.ONE_MONTH,
    ) -> None:
        super().__init__(scope, id)
        subnets = [ec2.SubnetConfiguration(name="public", subnet_type=ec2.SubnetType.PUBLIC, cidr_mask=24)]
        if with_private_subnets:
            subnets += [
                ec2.SubnetConfiguration(
                    name="private", subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS, cidr_mask=22
                ),
                ec2.SubnetConfiguration(
                    name="data", subnet_type=ec2.SubnetType.PRIVATE_ISOLATED, cidr_mask=24
                ),
            ]
        self.vpc = ec2.Vpc(
            self,
            "Vpc",
            # Named explicitly: an offline synthesis cannot look them up and would emit placeholder AZs.
            availability_zones=[f"{Stack.of(self).region}{suffix}" for suffix in AZ_SUFFIXES],
            nat_gateways=nat_gateways if with_private_subnets else 0,
            subnet_configuration=subnets,
            gateway_endpoints=(
                {"S3": ec2.GatewayVpcEndpointOptions(service=ec2.GatewayVpcEndpointAwsService.S3)}
                if with_private_subnets
                else None
            ),
        )
        flow_logs = logs.LogGroup(
            self,
            "FlowLogs",
            retention=log_retention,
            removal_policy=RemovalPolicy.DESTROY,
        )
        self.vpc.add_flow_log(
            "FlowLog",
            destination=ec2.FlowLogDestination.to_cloud_watch_logs(flow_logs),
            traffic_type=ec2.FlowLogTrafficType.REJECT,
        )
        self.public_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PUBLIC)
        self.private_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_WITH_EGRESS)
        self.isolated_subnets = ec2.SubnetSelection(subnet_type=ec2.SubnetType.PRIVATE_ISOLATED)
        self.function_security_group = ec2.SecurityGroup(
            self,
            "FunctionsSg",
            vpc=self.vpc,
            description="FoodSave Lambda functions",
            allow_all_outbound=True,
        )
        if interface_endpoints:
            for name, service in INTERFACE_ENDPOINT_SERVICES.items():
                endpoint = self.vpc.add_interface_endpoint(
                    name,
                    service=service,
                    subnets=self.private_subnets,
                    private_dns_enabled=True,
                    open=False,  # only the functions' security group, not the whole VPC CIDR
                )
                endpoint.connections.allow_default_port_from(
                    self.function_security_group, "FoodSave functions"
                )


def vpc_network_interfaces_statement() -> iam.PolicyStatement:
    """What a function in the VPC needs to attach its network interfaces (no resource-level scoping exists)."""
    return iam.PolicyStatement(
        sid="VpcNetworkInterfaces",
        actions=[
            "ec2:CreateNetworkInterface",
            "ec2:DescribeNetworkInterfaces",
            "ec2:DescribeSubnets",
            "ec2:DeleteNetworkInterface",
            "ec2:AssignPrivateIpAddresses",
            "ec2:UnassignPrivateIpAddresses",
        ],
        resources=["*"],
    )

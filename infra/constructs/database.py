"""Aurora PostgreSQL Serverless v2 behind RDS Proxy, credentials in a rotated Secrets Manager secret."""

from __future__ import annotations

from aws_cdk import Duration, RemovalPolicy
from aws_cdk import aws_ec2 as ec2
from aws_cdk import aws_rds as rds
from constructs import Construct

from infra import constants
from infra.nag import acknowledge


class Database(Construct):
    """Functions reach Postgres only through the proxy, which pools connections across Lambda bursts."""

    def __init__(
        self,
        scope: Construct,
        id: str,
        *,
        vpc: ec2.IVpc,
        proxy_subnets: ec2.SubnetSelection,
        cluster_subnets: ec2.SubnetSelection,
        deletion_protection: bool,
    ) -> None:
        super().__init__(scope, id)
        self.cluster_security_group = ec2.SecurityGroup(
            self, "ClusterSg", vpc=vpc, description="Aurora cluster: proxy only", allow_all_outbound=False
        )
        self.proxy_security_group = ec2.SecurityGroup(
            self,
            "ProxySg",
            vpc=vpc,
            description="RDS Proxy: FoodSave functions only",
            allow_all_outbound=False,
        )
        self.cluster_security_group.add_ingress_rule(
            self.proxy_security_group, ec2.Port.tcp(constants.DB_PORT), "RDS Proxy to Aurora"
        )
        self.proxy_security_group.add_egress_rule(
            self.cluster_security_group, ec2.Port.tcp(constants.DB_PORT), "RDS Proxy to Aurora"
        )
        self.cluster = rds.DatabaseCluster(
            self,
            "Cluster",
            engine=rds.DatabaseClusterEngine.aurora_postgres(
                version=rds.AuroraPostgresEngineVersion.VER_16_11
            ),
            credentials=rds.Credentials.from_generated_secret(constants.DB_ADMIN_USER),
            default_database_name=constants.DB_NAME,
            writer=rds.ClusterInstance.serverless_v2("Writer", enable_performance_insights=True),
            serverless_v2_min_capacity=constants.DB_MIN_ACU,
            serverless_v2_max_capacity=constants.DB_MAX_ACU,
            vpc=vpc,
            vpc_subnets=cluster_subnets,
            security_groups=[self.cluster_security_group],
            port=constants.DB_PORT,
            storage_encrypted=True,
            iam_authentication=True,
            deletion_protection=deletion_protection,
            backup=rds.BackupProps(retention=Duration.days(constants.DB_BACKUP_RETENTION_DAYS)),
            cloudwatch_logs_exports=["postgresql"],
            removal_policy=RemovalPolicy.SNAPSHOT,
        )
        assert self.cluster.secret is not None
        self.secret = self.cluster.secret
        self.cluster.add_rotation_single_user(
            automatically_after=Duration.days(30), vpc_subnets=proxy_subnets
        )
        self.proxy = self.cluster.add_proxy(
            "Proxy",
            secrets=[self.secret],
            vpc=vpc,
            vpc_subnets=proxy_subnets,
            security_groups=[self.proxy_security_group],
            require_tls=True,
            idle_client_timeout=Duration.minutes(30),
            max_connections_percent=90,
        )
        acknowledge(
            self.cluster,
            "RDS11",
            "The cluster sits in isolated subnets and only accepts the proxy's security group; RDS Proxy "
            "for PostgreSQL listens on 5432 regardless, so a non-default port would add nothing.",
        )

    def allow_from(self, peer: ec2.ISecurityGroup) -> None:
        """Open the proxy to a client security group (the functions)."""
        self.proxy_security_group.add_ingress_rule(
            peer, ec2.Port.tcp(constants.DB_PORT), "FoodSave functions"
        )
